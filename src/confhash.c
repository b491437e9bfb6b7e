/*
 * Digesting a configuration: its parsed YAML node by node, so a change of
 * any byte that matters (a value, a key, a quoting style that turns a
 * number into a string) changes the digest, and comments do not.
 */
#include <elf.h>
#include <link.h>
#include <stdint.h>
#include <string.h>
#include <sys/stat.h>

#include "buf.h"
#include "confhash.h"
#include "hash.h"
#include "sitedata.h"

static void	add_str(struct buf *, const char *);
static void	add_int(struct buf *, int64_t);
static void	add_doc(struct buf *, const yaml_document_t *);
static void	add_data(const char *, yaml_document_t *, yaml_node_t *,
		    const struct sitedata *, void *);
static int	find_build_id(struct dl_phdr_info *, size_t, void *);
static void	add_build_id(struct buf *);

/* A string, NULL and "" told apart, each one delimited. */
static void
add_str(struct buf *b, const char *s)
{
	if (s == NULL) {
		buf_add(b, "N", 1);
		return;
	}
	add_int(b, (int64_t)strlen(s));
	buf_adds(b, s);
}

static void
add_int(struct buf *b, int64_t v)
{
	buf_addf(b, "%lld;", (long long)v);
}

/* Every node of a document: its type, tag, style and contents. */
static void
add_doc(struct buf *b, const yaml_document_t *doc)
{
	const yaml_node_t *n;
	const yaml_node_item_t *it;
	const yaml_node_pair_t *p;

	if (doc == NULL) {
		buf_add(b, "D", 1);
		return;
	}
	add_int(b, doc->nodes.top - doc->nodes.start);
	for (n = doc->nodes.start; n < doc->nodes.top; n++) {
		add_int(b, n->type);
		add_str(b, (const char *)n->tag);
		switch (n->type) {
		case YAML_SCALAR_NODE:
			add_int(b, n->data.scalar.style);
			add_int(b, (int64_t)n->data.scalar.length);
			buf_add(b, n->data.scalar.value, n->data.scalar.length);
			break;
		case YAML_SEQUENCE_NODE:
			add_int(b, n->data.sequence.items.top -
			    n->data.sequence.items.start);
			for (it = n->data.sequence.items.start;
			    it < n->data.sequence.items.top; it++)
				add_int(b, *it);
			break;
		case YAML_MAPPING_NODE:
			add_int(b, n->data.mapping.pairs.top -
			    n->data.mapping.pairs.start);
			for (p = n->data.mapping.pairs.start;
			    p < n->data.mapping.pairs.top; p++) {
				add_int(b, p->key);
				add_int(b, p->value);
			}
			break;
		default:
			break;
		}
	}
}

/* sitedata_foreach callback: one entry of site.data, folders within. */
static void
add_data(const char *name, yaml_document_t *doc, yaml_node_t *node,
    const struct sitedata *sub, void *arg)
{
	struct buf	*b = arg;

	(void)node;
	add_str(b, name);
	add_doc(b, doc);
	buf_add(b, "{", 1);
	sitedata_foreach(sub, add_data, b);
	buf_add(b, "}", 1);
}

/* dl_iterate_phdr callback: the GNU build id note of the executable. */
static int
find_build_id(struct dl_phdr_info *info, size_t size, void *arg)
{
	struct buf	*b = arg;
	const char	*p, *end;
	const ElfW(Nhdr) *nh;
	int		 i;

	(void)size;
	/* The first object is the executable itself. */
	for (i = 0; i < info->dlpi_phnum; i++) {
		if (info->dlpi_phdr[i].p_type != PT_NOTE)
			continue;
		p = (const char *)(info->dlpi_addr +
		    info->dlpi_phdr[i].p_vaddr);
		end = p + info->dlpi_phdr[i].p_memsz;
		while (p + sizeof *nh <= end) {
			nh = (const ElfW(Nhdr) *)p;
			p += sizeof *nh + ((nh->n_namesz + 3) & ~3U);
			if (p + nh->n_descsz > end)
				break;
			if (nh->n_type == NT_GNU_BUILD_ID && nh->n_namesz ==
			    4 && memcmp(nh + 1, "GNU", 4) == 0) {
				buf_add(b, p, nh->n_descsz);
				return (1);
			}
			p += (nh->n_descsz + 3) & ~3U;
		}
	}
	return (1);
}

/* The executable's build id (nothing when it was linked without one). */
static void
add_build_id(struct buf *b)
{
	buf_add(b, "B", 1);
	dl_iterate_phdr(find_build_id, b);
}

uint64_t
confhash(const struct config *cfg)
{
	struct buf	 b = BUF_INIT;
	struct stat	 st;
	uint64_t	 h;

	add_str(&b, PACKAGE_VERSION);
	add_build_id(&b);
	add_str(&b, cfg->site_dir);
	if (stat(cfg->site_dir, &st) == 0) {
		add_int(&b, (int64_t)st.st_dev);
		add_int(&b, (int64_t)st.st_ino);
	}
	add_str(&b, cfg->output_real);
	/* -u and its kin override the documents. */
	add_str(&b, cfg->url);
	add_str(&b, cfg->id_url);
	add_str(&b, cfg->baseurl);
	add_str(&b, cfg->timezone);
	add_int(&b, cfg->future);
	add_int(&b, cfg->config_time);
	add_doc(&b, cfg->have_site ? cfg->yaml_site : NULL);
	add_doc(&b, cfg->have_admin ? cfg->yaml_admin : NULL);
	sitedata_foreach(cfg->data, add_data, &b);
	h = hash64(b.data != NULL ? b.data : "", b.len);
	buf_free(&b);
	return (h);
}
