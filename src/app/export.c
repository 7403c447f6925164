/* export.c - the export pipeline: store query -> one writer per layer of a
 * format from the format table (see export.h). */
#include "schouw/export.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/types.h>

#include <dirent.h>
#include <unistd.h>

#include "schouw/crs.h"
#include "schouw/i18n.h"
#include "schouw/photo.h"

struct layer {
	struct sw_export_layer pub;
	struct sw_writer *w;
	char *photo_dir; /* <stem>_photos, and its name relative to the layer */
	char *photo_rel;
	char *photo_tmp; /* written here, renamed to photo_dir when all is done */
};

struct export_state {
	const struct sw_export_req *req;
	const struct sw_format *fmt;
	struct sw_export_opts o; /* req->o with the CRS the format takes */
	struct layer *layers;
	size_t nlayers;
	long long n;
	struct sw_error err; /* of a failure inside the query callback */
	bool failed;
	struct sw_store *store;
	bool photos; /* write photos (see export.h) */
};

static bool is_dir(const char *path)
{
	struct stat sb;

	return stat(path, &sb) == 0 && S_ISDIR(sb.st_mode);
}

static bool names_dir(const char *path)
{
	return is_dir(path) || path[strlen(path) - 1] == '/';
}

/* mkdir -p */
static bool make_dirs(const char *path)
{
	char *p = strdup(path);
	bool ok = p != NULL;

	for (char *s = p ? p + 1 : NULL; ok && s != NULL && *s; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		if (mkdir(p, 0777) != 0 && errno != EEXIST)
			ok = false;
		*s = '/';
	}
	if (ok && mkdir(p, 0777) != 0 && errno != EEXIST)
		ok = false;
	free(p);
	return ok && is_dir(path);
}

static enum sw_status dir_error(const char *path, struct sw_error *err)
{
	return sw_error_set(err, SW_ERR_IO, _("%s: cannot create the directory: %s"), path,
	                    strerror(errno ? errno : ENOTDIR));
}

static bool crs_is_rd(const char *crs)
{
	return crs == NULL || strcasecmp(crs, SW_CRS_RD) == 0;
}

/* The file of the single layer: path, or points.<ext> in a directory path. */
static char *single_path(const struct sw_export_req *req)
{
	const char *p = req->path;
	char *s = NULL;

	if (!((req->format->flags & SW_FORMAT_DIR) && names_dir(p)))
		return strdup(p);
	if (asprintf(&s, "%s%spoints.%s", p, p[strlen(p) - 1] == '/' ? "" : "/",
	             req->format->exts[0]) < 0)
		return NULL;
	return s;
}

enum sw_status sw_export_resolve(struct sw_export_req *req, struct sw_error *err)
{
	const struct sw_format *f = req->format;
	char *single = NULL;
	enum sw_status rc = SW_OK;

	if (req->path == NULL || *req->path == '\0')
		return sw_error_set(err, SW_ERR_INPUT, "%s", _("FILE is empty"));
	if (f == NULL) {
		f = names_dir(req->path) ? sw_format_for_dir(SW_FORMAT_WRITE)
		                         : sw_format_by_ext(req->path, SW_FORMAT_WRITE);
		if (f == NULL && req->split)
			f = sw_format_for_dir(SW_FORMAT_WRITE);
	}
	if (f == NULL) {
		char exts[128];
		sw_format_list(SW_FORMAT_WRITE, true, _(" or "), exts, sizeof exts);
		return sw_error_set(err, SW_ERR_INPUT,
		                    _("cannot tell the format from '%s'; use a name ending in %s, "
		                      "or --format"),
		                    req->path, exts);
	}
	req->format = f;
	if (req->dialect_set && !(f->flags & SW_FORMAT_DIALECT))
		return sw_error_set(err, SW_ERR_INPUT, _("--dialect applies to CSV only"));
	if (f->fixed_crs != NULL && req->o.crs != NULL && strcasecmp(req->o.crs, f->fixed_crs) != 0)
		return sw_error_set(err, SW_ERR_INPUT,
		                    _("%s is always %s; --crs %s is not possible"), f->label,
		                    f->fixed_crs, req->o.crs);
	if (!req->split && (f->flags & SW_FORMAT_NEEDS_EXT)) {
		size_t n, k = strlen(f->exts[0]);
		single = single_path(req);
		if (single == NULL)
			return sw_error_nomem(err);
		n = strlen(single);
		if (n > k + 1 &&
		    !(single[n - k - 1] == '.' && strcasecmp(single + n - k, f->exts[0]) == 0))
			rc = sw_error_set(err, SW_ERR_INPUT,
			                  _("a %s name must end in .%s, got '%s'"), f->label,
			                  f->exts[0], single);
	}
	free(single);
	return rc;
}

enum sw_status sw_export_check_crs(const struct sw_export_req *req, struct sw_error *err)
{
	struct sw_crs *probe = NULL;
	enum sw_status rc = SW_OK;

	if (!crs_is_rd(req->o.crs) && (req->format == NULL || req->format->fixed_crs == NULL))
		rc = sw_crs_new(SW_CRS_RD, req->o.crs, &probe, err);
	sw_crs_free(probe);
	return rc;
}

static struct layer *add_layer(struct export_state *st, const char *type, const char *path)
{
	struct layer *v = realloc(st->layers, (st->nlayers + 1) * sizeof *v);
	struct layer *l;

	if (v == NULL)
		return NULL;
	st->layers = v;
	l = &v[st->nlayers];
	memset(l, 0, sizeof *l);
	l->pub.type = type ? strdup(type) : NULL;
	l->pub.path = strdup(path);
	if ((type != NULL && l->pub.type == NULL) || l->pub.path == NULL) {
		free(l->pub.type);
		free(l->pub.path);
		return NULL;
	}
	st->nlayers++;
	if (st->photos) {
		const char *dot = strrchr(l->pub.path, '.');
		const char *slash = strrchr(l->pub.path, '/');
		int stem = (int)(dot != NULL && (slash == NULL || dot > slash) ? dot - l->pub.path
		                                                               : (long)strlen(l->pub.path));
		const char *base = slash ? slash + 1 : l->pub.path;
		int nbase = stem - (int)(base - l->pub.path);

		if (asprintf(&l->photo_dir, "%.*s_photos", stem, l->pub.path) < 0)
			l->photo_dir = NULL;
		if (asprintf(&l->photo_rel, "%.*s_photos", nbase, base) < 0)
			l->photo_rel = NULL;
		if (asprintf(&l->photo_tmp, "%.*s_photos.tmp%ld", stem, l->pub.path,
		             (long)getpid()) < 0)
			l->photo_tmp = NULL;
		if (l->photo_dir == NULL || l->photo_rel == NULL || l->photo_tmp == NULL)
			return NULL; /* freed with the layer */
	}
	return l;
}

/* Remove the files of a directory we wrote (no subdirectories), then it. */
static void remove_dir_files(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char *f;

	if (d == NULL)
		return;
	while ((e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		if (asprintf(&f, "%s/%s", dir, e->d_name) >= 0) {
			unlink(f);
			free(f);
		}
	}
	closedir(d);
	rmdir(dir);
}

struct photo_walk {
	struct export_state *st;
	struct layer *l;
	char *paths; /* ';'-separated relative paths */
	struct sw_error *err;
};

static enum sw_status write_photo(const struct sw_photo *ph, void *ud)
{
	struct photo_walk *pw = ud;
	struct layer *l = pw->l;
	void *data = NULL;
	size_t n = 0;
	char *file = NULL, *rel = NULL, *joined = NULL;
	FILE *f = NULL;
	enum sw_status rc;
	const char *ext = sw_store_photo_ext(ph->content_type);

	if (asprintf(&file, "%s/%lld.%s", l->photo_tmp, ph->id, ext) < 0)
		file = NULL;
	if (asprintf(&rel, "%s/%lld.%s", l->photo_rel, ph->id, ext) < 0)
		rel = NULL;
	if (file == NULL || rel == NULL) {
		rc = sw_error_nomem(pw->err);
		goto out;
	}
	rc = sw_store_photo_get(pw->st->store, ph->id, &data, &n, NULL, pw->err);
	if (rc != SW_OK)
		goto out;
	if (!make_dirs(l->photo_tmp)) {
		rc = dir_error(l->photo_tmp, pw->err);
		goto out;
	}
	f = fopen(file, "wb");
	bool written = f != NULL && fwrite(data, 1, n, f) == n;
	if (f != NULL)
		written = fclose(f) == 0 && written;
	if (!written) {
		rc = sw_error_set(pw->err, SW_ERR_IO, _("%s: cannot write: %s"), file,
		                  strerror(errno));
		goto out;
	}
	if (asprintf(&joined, "%s%s%s", pw->paths ? pw->paths : "", pw->paths ? ";" : "",
	             rel) < 0) {
		rc = sw_error_nomem(pw->err);
		goto out;
	}
	free(pw->paths);
	pw->paths = joined;
out:
	free(data);
	free(file);
	free(rel);
	return rc;
}

/* Add a layer's photo directory into place (after the layers are). */
static enum sw_status photos_commit(struct layer *l, struct sw_error *err)
{
	struct stat sb;

	if (l->photo_tmp == NULL || stat(l->photo_tmp, &sb) != 0)
		return SW_OK; /* no photo in this layer */
	remove_dir_files(l->photo_dir);
	if (rename(l->photo_tmp, l->photo_dir) != 0)
		return sw_error_set(err, SW_ERR_IO, _("%s: cannot rename into place: %s"),
		                    l->photo_dir, strerror(errno));
	return SW_OK;
}

static enum sw_status layer_open(struct export_state *st, struct layer *l, struct sw_error *err)
{
	struct sw_export_opts o = st->o;

	o.type = l->pub.type;
	return st->fmt->writer_open(l->pub.path, &o, &l->w, err);
}

static enum sw_status layer_close(struct export_state *st, struct layer *l, bool commit,
                                  struct sw_error *err)
{
	struct sw_writer *w = l->w;

	l->w = NULL;
	return w != NULL ? st->fmt->writer_close(w, commit, err) : SW_OK;
}

static struct layer *layer_for(struct export_state *st, const char *type, struct sw_error *err)
{
	struct layer *l;
	char *path = NULL;

	if (!st->req->split)
		return &st->layers[0];
	for (size_t i = 0; i < st->nlayers; i++)
		if (strcmp(st->layers[i].pub.type, type) == 0)
			return &st->layers[i];
	if (asprintf(&path, "%s/%s.%s", st->req->path, type, st->fmt->exts[0]) < 0) {
		sw_error_nomem(err);
		return NULL;
	}
	l = add_layer(st, type, path);
	free(path);
	if (l == NULL) {
		sw_error_nomem(err);
		return NULL;
	}
	if (layer_open(st, l, err) != SW_OK)
		return NULL;
	return l;
}

static enum sw_status export_point(const struct sw_point *p, void *ud)
{
	struct export_state *st = ud;
	struct layer *l;

	l = layer_for(st, p->type ? p->type : "", &st->err);
	if (l != NULL && st->photos) {
		struct photo_walk pw = {.st = st, .l = l, .err = &st->err};
		struct sw_point q;
		enum sw_status rc;

		sw_point_init(&q);
		rc = sw_store_photo_list(st->store, p->id, write_photo, &pw, &st->err);
		if (rc == SW_OK)
			rc = sw_point_copy(&q, p, &st->err);
		if (rc == SW_OK && pw.paths != NULL)
			rc = sw_point_set_attr(&q, "photos",
			                       &(struct sw_value){.t = SW_V_TEXT, .s = pw.paths},
			                       &st->err);
		if (rc == SW_OK)
			rc = st->fmt->writer_add(l->w, &q, &st->err);
		free(pw.paths);
		sw_point_clear(&q);
		if (rc != SW_OK) {
			st->failed = true;
			return rc;
		}
	} else if (l == NULL || st->fmt->writer_add(l->w, p, &st->err) != SW_OK) {
		st->failed = true;
		return st->err.code != SW_OK ? st->err.code : SW_ERR_INTERNAL;
	}
	l->pub.n++;
	st->n++;
	if (st->req->progress != NULL)
		st->req->progress(st->req->progress_ud, st->n, 0);
	return SW_OK;
}

/* First point of the export, for the reprojection probe. */
static enum sw_status first_point(const struct sw_point *p, void *ud)
{
	double *xy = ud;

	xy[0] = p->x;
	xy[1] = p->y;
	return SW_ERR_NOTFOUND; /* stop after one */
}

/* Which operation PROJ uses from RD New to the target, asked with the first
 * point (the operation may depend on the place). */
static void find_operation(struct sw_store *s, const struct sw_export_req *req,
                           struct sw_export_result *res)
{
	struct sw_crs *c = NULL;
	struct sw_error err = {0};
	double xy[2] = {0, 0};
	const char *op;

	res->accuracy = -1;
	if (crs_is_rd(res->crs) || res->n == 0)
		return;
	sw_store_query(s, req->filter, first_point, xy, &err);
	if (sw_crs_new(SW_CRS_RD, res->crs, &c, &err) == SW_OK &&
	    sw_crs_trans(c, &xy[0], &xy[1], 1, NULL, &err) == SW_OK) {
		op = sw_crs_operation(c);
		res->operation = op != NULL ? strdup(op) : NULL;
		res->accuracy = sw_crs_accuracy(c);
	}
	sw_crs_free(c);
}

static int by_type(const void *a, const void *b)
{
	const struct sw_export_layer *x = a, *y = b;

	return strcmp(x->type ? x->type : "", y->type ? y->type : "");
}

/* Open the single layer, or make the directory of the split layers. */
static enum sw_status open_target(struct export_state *st, struct sw_error *err)
{
	const struct sw_export_req *req = st->req;
	char *single = NULL;
	enum sw_status rc = SW_OK;

	if (req->split) {
		if (!make_dirs(req->path))
			return dir_error(req->path, err);
		return SW_OK;
	}
	if ((st->fmt->flags & SW_FORMAT_DIR) && names_dir(req->path) && !make_dirs(req->path))
		return dir_error(req->path, err);
	single = single_path(req);
	if (single == NULL || add_layer(st, NULL, single) == NULL)
		rc = sw_error_nomem(err);
	else
		rc = layer_open(st, &st->layers[0], err);
	free(single);
	return rc;
}

enum sw_status sw_export_run(struct sw_store *s, const struct sw_export_req *req,
                             struct sw_export_result **out, struct sw_error *err)
{
	struct export_state st = {.req = req, .fmt = req->format, .o = req->o, .store = s};
	struct sw_export_result *res = NULL;
	enum sw_status rc;
	bool commit = true;

	*out = NULL;
	if (st.fmt == NULL || !sw_format_can(st.fmt, SW_FORMAT_WRITE))
		return sw_error_set(err, SW_ERR_INTERNAL,
		                    "export: no format (call sw_export_resolve)");
	if (st.fmt->fixed_crs != NULL)
		st.o.crs = NULL; /* the writer knows its CRS */
	if (req->photos && st.fmt->name != NULL &&
	    (strcmp(st.fmt->name, "shp") == 0 || strcmp(st.fmt->name, "geojson") == 0)) {
		long long nphotos = 0;
		sw_store_photo_count(s, &nphotos, NULL);
		st.photos = st.o.photos = nphotos > 0;
	}
	rc = open_target(&st, err);
	if (rc != SW_OK)
		goto out;
	if (req->progress != NULL) {
		/* the count is a cheap R-tree/index query; it gives a bar its 100 % */
		long long total = 0;
		sw_store_count(s, req->filter, &total, NULL);
		req->progress(req->progress_ud, 0, total);
	}
	rc = sw_store_query(s, req->filter, export_point, &st, err);
	if (rc != SW_OK) {
		if (st.failed)
			*err = st.err;
		goto out;
	}
	/* Complete every layer before renaming any, so a failure leaves none. */
	for (size_t i = 0; st.fmt->writer_finish != NULL && i < st.nlayers; i++) {
		rc = st.fmt->writer_finish(st.layers[i].w, err);
		if (rc != SW_OK)
			goto out;
	}
	for (size_t i = 0; i < st.nlayers; i++) {
		enum sw_status r = layer_close(&st, &st.layers[i], commit, err);
		if (r == SW_OK && commit)
			r = photos_commit(&st.layers[i], err);
		if (r != SW_OK && commit) {
			rc = r;
			commit = false;
		}
	}
	if (rc != SW_OK)
		goto out;
	res = calloc(1, sizeof *res);
	if (res == NULL) {
		rc = sw_error_nomem(err);
		goto out;
	}
	res->format = st.fmt;
	res->crs = st.fmt->fixed_crs ? st.fmt->fixed_crs : req->o.crs ? req->o.crs : SW_CRS_RD;
	res->n = st.n;
	res->nlayers = st.nlayers;
	res->layers = calloc(st.nlayers ? st.nlayers : 1, sizeof *res->layers);
	if (res->layers == NULL) {
		free(res);
		res = NULL;
		rc = sw_error_nomem(err);
		goto out;
	}
	for (size_t i = 0; i < st.nlayers; i++) {
		res->layers[i] = st.layers[i].pub;
		st.layers[i].pub = (struct sw_export_layer){0};
	}
	if (res->nlayers > 1)
		qsort(res->layers, res->nlayers, sizeof *res->layers, by_type);
	find_operation(s, req, res);
	*out = res;
out:
	for (size_t i = 0; i < st.nlayers; i++) {
		struct sw_error e2 = {0};
		layer_close(&st, &st.layers[i], false, &e2);
		if (st.layers[i].photo_tmp != NULL)
			remove_dir_files(st.layers[i].photo_tmp);
		free(st.layers[i].photo_dir);
		free(st.layers[i].photo_rel);
		free(st.layers[i].photo_tmp);
		free(st.layers[i].pub.type);
		free(st.layers[i].pub.path);
	}
	free(st.layers);
	return rc;
}

void sw_export_result_free(struct sw_export_result *r)
{
	if (r == NULL)
		return;
	for (size_t i = 0; i < r->nlayers; i++) {
		free(r->layers[i].type);
		free(r->layers[i].path);
	}
	free(r->layers);
	free(r->operation);
	free(r);
}
