/*
 * fuzz_post: the post parser.  Each input is written as
 * _posts/2022-01-01-fuzz.md of a site made once and read with post_load:
 * front matter (YAML, dates, lists, author), the URL and id, and on
 * success post_render: the Markdown body, URL rewriting and the summary.
 *
 * Oracle: besides the sanitizers (no crash, leak or undefined behaviour),
 * the contract of post.h: POST_INVALID comes with a cause; a loaded post
 * has a non-empty url and id, both under the site's url and baseurl, and
 * NULL-terminated lists of unique categories and tags; post_render gives
 * content and summary (and a cause when it fails).  Any breach aborts.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/buf.h"
#include "../../src/config.h"
#include "../../src/log.h"
#include "../../src/post.h"
#include "../../src/xmalloc.h"
#include "fuzzsite.h"

int	LLVMFuzzerInitialize(int *, char ***);
int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static struct config	*cfg;
static char		*post_path;
static char		*url_prefix;	/* url + baseurl */
static char		*id_prefix;	/* id_url + baseurl */
static struct buf	 scratch = BUF_INIT;

static void	fail(const char *, ...)
		    __attribute__((__format__(printf, 1, 2), __noreturn__));
static int	starts_with(const char *, const char *);
static void	check_list(const char *, char **);
static void	check_post(const struct post *);
static void	check_render(const struct post *);

/* Report an oracle failure and abort, so libFuzzer keeps the input. */
static void
fail(const char *fmt, ...)
{
	va_list	 ap;

	fprintf(stderr, "fuzz_post: oracle failed: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	abort();
}

/* Whether s starts with prefix. */
static int
starts_with(const char *s, const char *prefix)
{
	return (strncmp(s, prefix, strlen(prefix)) == 0);
}

/* A NULL-terminated list of unique, non-NULL names. */
static void
check_list(const char *what, char **list)
{
	size_t	 i, j;

	if (list == NULL)
		fail("%s is NULL", what);
	for (i = 0; list[i] != NULL; i++) {
		for (j = 0; j < i; j++) {
			if (strcmp(list[i], list[j]) == 0)
				fail("%s lists \"%s\" twice", what, list[i]);
		}
	}
}

/* The fields post.h promises for a loaded post. */
static void
check_post(const struct post *p)
{
	if (p->path == NULL || strcmp(p->path, post_path) != 0)
		fail("path is \"%s\", not \"%s\"", p->path, post_path);
	if (p->url == NULL || *p->url == '\0')
		fail("empty url");
	if (p->id == NULL || *p->id == '\0')
		fail("empty id");
	if (!starts_with(p->url, url_prefix))
		fail("url \"%s\" is not under \"%s\"", p->url, url_prefix);
	if (!starts_with(p->id, id_prefix))
		fail("id \"%s\" is not under \"%s\"", p->id, id_prefix);
	check_list("categories", p->categories);
	check_list("tags", p->tags);
}

/* Render the body; both strings always come back. */
static void
check_render(const struct post *p)
{
	char	*content = NULL, *summary = NULL, *cause = NULL;
	int	 rc;

	rc = post_render(cfg, NULL, p, &scratch, &content, &summary, &cause,
	    NULL);
	if (rc != 0 && rc != -1)
		fail("post_render returned %d", rc);
	if (content == NULL || summary == NULL)
		fail("post_render left content or summary NULL");
	if (rc == -1 && cause == NULL)
		fail("post_render failed without a cause");
	free(content);
	free(summary);
	free(cause);
}

/* Make the site, load its config once. */
int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	log_init("fuzz_post", LOG_QUIET);
	fuzzsite_create(
	    "url: https://ex.com\n"
	    "baseurl: /blog\n"
	    "title: Fuzz\n"
	    "timezone: Asia/Shanghai\n");
	cfg = fuzzsite_config();
	post_path = fuzzsite_path(FUZZ_POST_REL);
	xasprintf(&url_prefix, "%s%s", cfg->url, cfg->baseurl);
	xasprintf(&id_prefix, "%s%s", cfg->id_url, cfg->baseurl);
	return (0);
}

/* Load one input as a post and render it. */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct post	*post = NULL;
	char		*cause = NULL, *warning = NULL;
	enum post_status st;

	fuzzsite_write(post_path, data, size);
	st = post_load(cfg, post_path, FUZZ_POST_REL, &scratch, &post, &cause,
	    &warning, NULL);
	switch (st) {
	case POST_OK:
		if (post == NULL)
			fail("POST_OK without a post");
		check_post(post);
		check_render(post);
		post_free(post);
		break;
	case POST_UNPUBLISHED:
		post_free(post);
		break;
	case POST_INVALID:
		if (cause == NULL)
			fail("POST_INVALID without a cause");
		post_free(post);
		break;
	default:
		fail("post_load returned %d", (int)st);
	}
	free(cause);
	free(warning);
	return (0);
}
