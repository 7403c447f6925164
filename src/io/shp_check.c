/* shp_check.c - structure checks of .shp, .shx and .dbf before shapelib
 * sees them (it trusts their headers). */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <shapefil.h>

#include "schouw/i18n.h"
#include "shp_priv.h"

/* ------------------------------------------------------------------------ */
/* file helpers */

static uint32_t be32(const unsigned char *b)
{
	return ((uint32_t)b[0] << 24) | ((uint32_t)b[1] << 16) | ((uint32_t)b[2] << 8) | b[3];
}

static uint32_t le32(const unsigned char *b)
{
	return ((uint32_t)b[3] << 24) | ((uint32_t)b[2] << 16) | ((uint32_t)b[1] << 8) | b[0];
}

static uint16_t le16(const unsigned char *b)
{
	return (uint16_t)(b[0] | (b[1] << 8));
}

static const char *shape_type_name(int t)
{
	switch (t) {
	case SHPT_NULL:
		return "Null";
	case SHPT_POINT:
		return "Point";
	case SHPT_ARC:
		return "PolyLine";
	case SHPT_POLYGON:
		return "Polygon";
	case SHPT_MULTIPOINT:
		return "MultiPoint";
	case SHPT_POINTZ:
		return "PointZ";
	case SHPT_ARCZ:
		return "PolyLineZ";
	case SHPT_POLYGONZ:
		return "PolygonZ";
	case SHPT_MULTIPOINTZ:
		return "MultiPointZ";
	case SHPT_POINTM:
		return "PointM";
	case SHPT_ARCM:
		return "PolyLineM";
	case SHPT_POLYGONM:
		return "PolygonM";
	case SHPT_MULTIPOINTM:
		return "MultiPointM";
	case SHPT_MULTIPATCH:
		return "MultiPatch";
	default:
		return NULL;
	}
}

static bool is_point_type(int t)
{
	return t == SHPT_NULL || t == SHPT_POINT || t == SHPT_POINTZ || t == SHPT_POINTM ||
	       t == SHPT_MULTIPOINT || t == SHPT_MULTIPOINTZ || t == SHPT_MULTIPOINTM;
}

enum sw_status sw_shp_file_size(const char *path, long long *size, struct sw_error *err)
{
	struct stat st;

	if (stat(path, &st) != 0)
		return sw_error_set(err, SW_ERR_IO, _("%s: %s"), path, strerror(errno));
	if (!S_ISREG(st.st_mode))
		return sw_error_set(err, SW_ERR_INPUT, _("%s: not a regular file"), path);
	*size = (long long)st.st_size;
	return SW_OK;
}

/* Read exactly n bytes at the current position; false on a short read. */
static bool read_n(FILE *f, unsigned char *buf, size_t n)
{
	return fread(buf, 1, n, f) == n;
}

/* ------------------------------------------------------------------------ */
/* structure checks (before shapelib sees the files: it trusts headers) */

/* The 100-byte main header shared by .shp and .shx. */
static enum sw_status check_main_header(const char *path, FILE *f, long long size, int *type,
                                        struct sw_error *err)
{
	unsigned char h[100];
	long long declared;
	uint32_t version;

	if (size < 100)
		return sw_error_set(err, SW_ERR_INPUT,
		                    _("%s: %lld bytes, shorter than the 100-byte shapefile header "
		                      "(truncated or not a shapefile)"),
		                    path, size);
	if (!read_n(f, h, sizeof h))
		return sw_error_set(err, SW_ERR_IO, _("%s: cannot read the header"), path);
	if (be32(h) != 9994)
		return sw_error_set(err, SW_ERR_INPUT,
		                    _("%s: byte 0: file code %u, expected 9994: not a shapefile"),
		                    path, (unsigned)be32(h));
	version = le32(h + 28);
	if (version != 1000)
		return sw_error_set(err, SW_ERR_INPUT, _("%s: byte 28: version %u, expected 1000"),
		                    path, (unsigned)version);
	declared = 2LL * be32(h + 24);
	if (declared > size)
		return sw_error_set(
		    err, SW_ERR_INPUT,
		    _("%s: truncated: the header (byte 24) says %lld bytes, the file "
		      "has %lld"),
		    path, declared, size);
	if (declared < size)
		return sw_error_set(err, SW_ERR_INPUT,
		                    _("%s: the header (byte 24) says %lld bytes, but the file has "
		                      "%lld: extra data after byte %lld"),
		                    path, declared, size, declared);
	*type = (int)le32(h + 32);
	return SW_OK;
}

/* Expected content length of a non-null record of type t holding npts
 * points; two variants (with and without the optional M part). */
static void expected_len(int t, long long npts, long long *a, long long *b)
{
	switch (t) {
	case SHPT_POINT:
		*a = *b = 20;
		break;
	case SHPT_POINTM:
		*a = *b = 28;
		break;
	case SHPT_POINTZ:
		*a = 28;
		*b = 36;
		break;
	case SHPT_MULTIPOINT:
		*a = *b = 40 + 16 * npts;
		break;
	case SHPT_MULTIPOINTM:
		*a = 40 + 16 * npts;
		*b = *a + 16 + 8 * npts;
		break;
	case SHPT_MULTIPOINTZ:
		*a = 40 + 16 * npts + 16 + 8 * npts;
		*b = *a + 16 + 8 * npts;
		break;
	default:
		*a = *b = -1;
		break;
	}
}

/* Walk the .shp record by record and compare with the .shx index. */
enum sw_status sw_shp_check_shx(const char *shp, const char *shx, struct sw_shp_layout *lay,
                                struct sw_error *err)
{
	FILE *fs = NULL, *fx = NULL;
	long long ssize, xsize, pos = 100, nx;
	int stype, xtype;
	unsigned char rh[8], xe[8], c[64];
	long rec = 0;
	enum sw_status rc;

	rc = sw_shp_file_size(shp, &ssize, err);
	if (rc != SW_OK)
		goto out;
	rc = sw_shp_file_size(shx, &xsize, err);
	if (rc != SW_OK)
		goto out;
	fs = fopen(shp, "rb");
	fx = fopen(shx, "rb");
	if (fs == NULL || fx == NULL) {
		rc = sw_error_set(err, SW_ERR_IO, _("%s: cannot open: %s"), fs ? shx : shp,
		                  strerror(errno));
		goto out;
	}
	rc = check_main_header(shp, fs, ssize, &stype, err);
	if (rc != SW_OK)
		goto out;
	if (!is_point_type(stype)) {
		const char *tn = shape_type_name(stype);
		if (tn != NULL)
			rc = sw_error_set(
			    err, SW_ERR_INPUT,
			    _("%s: the shapes are of type %s (%d); only Point, PointZ, "
			      "PointM and single-point MultiPoint can be imported"),
			    shp, tn, stype);
		else
			rc = sw_error_set(err, SW_ERR_INPUT,
			                  _("%s: byte 32: unknown shape type %d"), shp, stype);
		goto out;
	}
	rc = check_main_header(shx, fx, xsize, &xtype, err);
	if (rc != SW_OK)
		goto out;
	if ((xsize - 100) % 8 != 0) {
		rc = sw_error_set(err, SW_ERR_INPUT,
		                  _("%s: %lld bytes after the header is not a whole number of "
		                    "8-byte index entries (truncated?)"),
		                  shx, xsize - 100);
		goto out;
	}
	if (xtype != stype) {
		rc = sw_error_set(err, SW_ERR_INPUT,
		                  _("%s: byte 32: shape type %d, but %s says %d: the files do not "
		                    "belong together"),
		                  shx, xtype, shp, stype);
		goto out;
	}
	nx = (xsize - 100) / 8;
	while (pos < ssize) {
		long long clen, a, b, npts = 1;
		uint32_t off, xlen;
		int t;

		rec++;
		if (pos + 8 > ssize) {
			rc = sw_error_set(err, SW_ERR_INPUT,
			                  _("%s: record %ld (byte %lld): truncated record header"),
			                  shp, rec, pos);
			goto out;
		}
		if (!read_n(fs, rh, 8)) {
			rc = sw_error_set(err, SW_ERR_IO, _("%s: read error at byte %lld"), shp,
			                  pos);
			goto out;
		}
		clen = 2LL * be32(rh + 4);
		if (pos + 8 + clen > ssize) {
			rc = sw_error_set(
			    err, SW_ERR_INPUT,
			    _("%s: record %ld (byte %lld): %lld bytes of content, but the "
			      "file ends at byte %lld (truncated)"),
			    shp, rec, pos, clen, ssize);
			goto out;
		}
		if (rec > nx) {
			rc = sw_error_set(
			    err, SW_ERR_INPUT,
			    _("%s: the index has %lld entries, but %s has more records "
			      "(record %ld at byte %lld)"),
			    shx, nx, shp, rec, pos);
			goto out;
		}
		if (!read_n(fx, xe, 8)) {
			rc = sw_error_set(err, SW_ERR_IO, _("%s: read error"), shx);
			goto out;
		}
		off = be32(xe);
		xlen = be32(xe + 4);
		if (2LL * off != pos || 2LL * xlen != clen) {
			rc = sw_error_set(
			    err, SW_ERR_INPUT,
			    _("%s: entry %ld (byte %lld) says record %ld is at byte %lld "
			      "with %lld bytes, but in %s it is at byte %lld with %lld "
			      "bytes: the index does not match"),
			    shx, rec, 100 + 8LL * (rec - 1), rec, 2LL * off, 2LL * xlen, shp, pos,
			    clen);
			goto out;
		}
		if (clen < 4) {
			rc = sw_error_set(
			    err, SW_ERR_INPUT,
			    _("%s: record %ld (byte %lld): content of %lld bytes is too "
			      "short for a shape"),
			    shp, rec, pos, clen);
			goto out;
		}
		if (!read_n(fs, c,
		            (size_t)(clen < (long long)sizeof c ? clen : (long long)sizeof c))) {
			rc = sw_error_set(err, SW_ERR_IO, _("%s: read error at byte %lld"), shp,
			                  pos + 8);
			goto out;
		}
		t = (int)le32(c);
		if (t != SHPT_NULL && t != stype) {
			rc =
			    sw_error_set(err, SW_ERR_INPUT,
			                 _("%s: record %ld (byte %lld): shape type %d in a file of "
			                   "type %d"),
			                 shp, rec, pos + 8, t, stype);
			goto out;
		}
		if (t != SHPT_NULL) {
			if (t == SHPT_MULTIPOINT || t == SHPT_MULTIPOINTZ ||
			    t == SHPT_MULTIPOINTM) {
				if (clen < 40) {
					rc =
					    sw_error_set(err, SW_ERR_INPUT,
					                 _("%s: record %ld (byte %lld): MultiPoint "
					                   "content of %lld bytes is too short"),
					                 shp, rec, pos, clen);
					goto out;
				}
				npts = (long long)le32(c + 36);
				if (npts != 1) {
					rc = sw_error_set(
					    err, SW_ERR_INPUT,
					    _("%s: record %ld (byte %lld): a MultiPoint "
					      "of %lld points; only single points can be "
					      "imported"),
					    shp, rec, pos, npts);
					goto out;
				}
			}
			expected_len(t, npts, &a, &b);
			if (clen != a && clen != b) {
				rc = sw_error_set(
				    err, SW_ERR_INPUT,
				    _("%s: record %ld (byte %lld): %lld bytes of content, "
				      "expected %lld for a %s"),
				    shp, rec, pos, clen, a, shape_type_name(t));
				goto out;
			}
		}
		pos += 8 + clen;
		/* Point records were read whole; seeking anyway would drop stdio's
		 * buffer and cost a system call per record. */
		if (clen > (long long)sizeof c && fseeko(fs, pos, SEEK_SET) != 0) {
			rc = sw_error_set(err, SW_ERR_IO, _("%s: seek error"), shp);
			goto out;
		}
	}
	if (rec != nx) {
		rc = sw_error_set(
		    err, SW_ERR_INPUT,
		    _("%s: the index has %lld entries, but %s has %ld records: the files "
		      "do not belong together"),
		    shx, nx, shp, rec);
		goto out;
	}
	lay->type = stype;
	lay->nrec = rec;
out:
	if (fs != NULL)
		fclose(fs);
	if (fx != NULL)
		fclose(fx);
	return rc;
}

/* DBF header, field descriptors and size. */
enum sw_status sw_shp_check_dbf(const char *dbf, long nrec_shp, const char *shp,
                                struct sw_error *err)
{
	FILE *f = NULL;
	long long size, need;
	unsigned char h[32], d[32];
	uint32_t nrec;
	unsigned hlen, rlen, sum = 1, nf = 0;
	enum sw_status rc;

	rc = sw_shp_file_size(dbf, &size, err);
	if (rc != SW_OK)
		goto out;
	f = fopen(dbf, "rb");
	if (f == NULL) {
		rc = sw_error_set(err, SW_ERR_IO, _("%s: cannot open: %s"), dbf, strerror(errno));
		goto out;
	}
	if (size < 33 || !read_n(f, h, sizeof h)) {
		rc = sw_error_set(err, SW_ERR_INPUT,
		                  _("%s: %lld bytes, shorter than a DBF header (truncated or not a "
		                    "DBF file)"),
		                  dbf, size);
		goto out;
	}
	nrec = le32(h + 4);
	hlen = le16(h + 8);
	rlen = le16(h + 10);
	if (hlen < 33 || (long long)hlen > size) {
		rc =
		    sw_error_set(err, SW_ERR_INPUT,
		                 _("%s: byte 8: header length %u does not fit a file of %lld bytes "
		                   "(truncated or not a DBF file)"),
		                 dbf, hlen, size);
		goto out;
	}
	for (long long off = 32; off + 1 <= hlen; off += 32) {
		if (!read_n(f, d, 1)) {
			rc = sw_error_set(err, SW_ERR_INPUT, _("%s: byte %lld: truncated header"),
			                  dbf, off);
			goto out;
		}
		if (d[0] == 0x0D)
			break;
		if (off + 32 > hlen || !read_n(f, d + 1, 31)) {
			rc = sw_error_set(err, SW_ERR_INPUT,
			                  _("%s: byte %lld: field descriptor runs past the header "
			                    "(no 0x0D terminator)"),
			                  dbf, off);
			goto out;
		}
		if (d[16] == 0) {
			rc = sw_error_set(err, SW_ERR_INPUT,
			                  _("%s: byte %lld: field %u has length 0"), dbf, off + 16,
			                  nf + 1);
			goto out;
		}
		sum += d[16];
		nf++;
	}
	if (sum != rlen) {
		rc = sw_error_set(err, SW_ERR_INPUT,
		                  _("%s: byte 10: record length %u, but the %u fields add up to %u "
		                    "(not a valid DBF file)"),
		                  dbf, rlen, nf, sum);
		goto out;
	}
	need = (long long)hlen + (long long)nrec * rlen;
	if (need > size) {
		long long whole = (size - hlen) / rlen;
		rc = sw_error_set(
		    err, SW_ERR_INPUT,
		    _("%s: truncated: the header (byte 4) says %u records of %u bytes "
		      "(%lld bytes in all), the file has %lld; record %lld (byte %lld) "
		      "is incomplete"),
		    dbf, (unsigned)nrec, rlen, need, size, whole + 1,
		    (long long)hlen + whole * rlen);
		goto out;
	}
	if ((long)nrec != nrec_shp) {
		rc = sw_error_set(
		    err, SW_ERR_INPUT,
		    _("%s: %u records, but %s has %ld shapes: every shape needs exactly "
		      "one record"),
		    dbf, (unsigned)nrec, shp, nrec_shp);
		goto out;
	}
out:
	if (f != NULL)
		fclose(f);
	return rc;
}
