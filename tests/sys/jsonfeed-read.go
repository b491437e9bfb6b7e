// jsonfeed-read: read feeds with gofeed (Debian: golang-github-mmcdole-gofeed-dev),
// a real feed-reading library that reads JSON Feed, and print what it made of each
// as one JSON line: {"path", "type", "version", "title", "feed_link", "items": [...]},
// or {"path", "error"}.  Arguments are files or http(s) URLs.  Built by the system
// tests (feeddtest.jsonfeed_reader) with GO111MODULE=off GOPATH=/usr/share/gocode.
package main

import (
	"encoding/json"
	"fmt"
	"os"
	"strings"

	"github.com/mmcdole/gofeed"
)

type item struct {
	ID         string   `json:"id"`
	Link       string   `json:"link"`
	Title      string   `json:"title"`
	Published  string   `json:"published"`
	Updated    string   `json:"updated"`
	Authors    []string `json:"authors"`
	Categories []string `json:"categories"`
	Content    string   `json:"content"`
	Summary    string   `json:"summary"`
}

type result struct {
	Path     string `json:"path"`
	Error    string `json:"error,omitempty"`
	Type     string `json:"type,omitempty"`
	Version  string `json:"version,omitempty"`
	Title    string `json:"title,omitempty"`
	FeedLink string `json:"feed_link,omitempty"`
	Language string `json:"language,omitempty"`
	Items    []item `json:"items"`
}

func read(path string) result {
	r := result{Path: path, Items: []item{}}
	fp := gofeed.NewParser()
	var feed *gofeed.Feed
	var err error
	if strings.HasPrefix(path, "http://") || strings.HasPrefix(path, "https://") {
		feed, err = fp.ParseURL(path)
	} else {
		f, e := os.Open(path)
		if e != nil {
			r.Error = e.Error()
			return r
		}
		defer f.Close()
		feed, err = fp.Parse(f)
	}
	if err != nil {
		r.Error = err.Error()
		return r
	}
	r.Type, r.Version, r.Title = feed.FeedType, feed.FeedVersion, feed.Title
	r.FeedLink, r.Language = feed.FeedLink, feed.Language
	for _, it := range feed.Items {
		x := item{ID: it.GUID, Link: it.Link, Title: it.Title, Content: it.Content,
			Summary: it.Description, Categories: it.Categories, Authors: []string{}}
		if it.PublishedParsed != nil {
			x.Published = it.PublishedParsed.UTC().Format("2006-01-02T15:04:05Z")
		}
		if it.UpdatedParsed != nil {
			x.Updated = it.UpdatedParsed.UTC().Format("2006-01-02T15:04:05Z")
		}
		for _, a := range it.Authors {
			x.Authors = append(x.Authors, a.Name)
		}
		r.Items = append(r.Items, x)
	}
	return r
}

func main() {
	enc := json.NewEncoder(os.Stdout)
	for _, p := range os.Args[1:] {
		if err := enc.Encode(read(p)); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
	}
}
