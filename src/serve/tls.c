/* tls.c - certificates for the field server through GnuTLS: a self-signed
 * one for this machine's names and addresses, and fingerprints. */
#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>
#include <ifaddrs.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "schouw/i18n.h"
#include "serve_priv.h"

static enum sw_status gt_err(struct sw_error *err, const char *what, int e)
{
	return sw_error_set(err, SW_ERR_INTERNAL, _("%s: %s"), what, gnutls_strerror(e));
}

static enum sw_status fingerprint_of(gnutls_x509_crt_t crt, char fp[96], struct sw_error *err)
{
	unsigned char d[32];
	size_t n = sizeof d;
	int e = gnutls_x509_crt_get_fingerprint(crt, GNUTLS_DIG_SHA256, d, &n);

	if (e < 0)
		return gt_err(err, "fingerprint", e);
	for (size_t i = 0; i < n; i++)
		snprintf(fp + 3 * i, 4, "%02X%s", d[i], i + 1 < n ? ":" : "");
	return SW_OK;
}

enum sw_status sw_serve_fingerprint(const char *cert_path, char fp[96], struct sw_error *err)
{
	gnutls_datum_t pem = {0};
	gnutls_x509_crt_t crt = NULL;
	enum sw_status rc;
	int e;

	e = gnutls_load_file(cert_path, &pem);
	if (e < 0)
		return sw_error_set(err, SW_ERR_IO, _("%s: cannot read the certificate"), cert_path);
	gnutls_x509_crt_init(&crt);
	e = gnutls_x509_crt_import(crt, &pem, GNUTLS_X509_FMT_PEM);
	rc = e < 0 ? sw_error_set(err, SW_ERR_INPUT, _("%s: not a PEM certificate: %s"), cert_path,
	                          gnutls_strerror(e))
	           : fingerprint_of(crt, fp, err);
	gnutls_x509_crt_deinit(crt);
	gnutls_free(pem.data);
	return rc;
}

static enum sw_status write_pem(const char *path, const gnutls_datum_t *d, mode_t mode,
                                struct sw_error *err)
{
	FILE *f;
	bool ok;

	umask(077);
	f = fopen(path, "wb");
	if (f == NULL)
		return sw_error_set(err, SW_ERR_IO, _("%s: cannot create"), path);
	ok = fwrite(d->data, 1, d->size, f) == d->size;
	ok = fclose(f) == 0 && ok;
	chmod(path, mode);
	return ok ? SW_OK : sw_error_set(err, SW_ERR_IO, _("%s: write error"), path);
}

enum sw_status sw_serve_self_signed(const char *cert_path, const char *key_path, char fp[96],
                                    struct sw_error *err)
{
	gnutls_x509_privkey_t key = NULL;
	gnutls_x509_crt_t crt = NULL;
	gnutls_datum_t kpem = {0}, cpem = {0};
	struct ifaddrs *ifs = NULL;
	unsigned char serial[16];
	char host[256];
	time_t now = time(NULL);
	enum sw_status rc = SW_OK;
	int e;

	if (access(cert_path, R_OK) == 0 && access(key_path, R_OK) == 0)
		return sw_serve_fingerprint(cert_path, fp, err);
	if ((e = gnutls_x509_privkey_init(&key)) < 0 ||
	    (e = gnutls_x509_privkey_generate(key, GNUTLS_PK_ECDSA,
	                                      GNUTLS_CURVE_TO_BITS(GNUTLS_ECC_CURVE_SECP256R1), 0)) < 0 ||
	    (e = gnutls_x509_crt_init(&crt)) < 0) {
		rc = gt_err(err, "key", e);
		goto out;
	}
	if (gethostname(host, sizeof host) != 0)
		strcpy(host, "localhost");
	host[sizeof host - 1] = '\0';
	gnutls_rnd(GNUTLS_RND_NONCE, serial, sizeof serial);
	serial[0] &= 0x7f;
	gnutls_x509_crt_set_version(crt, 3);
	gnutls_x509_crt_set_serial(crt, serial, sizeof serial);
	gnutls_x509_crt_set_activation_time(crt, now - 3600);
	/* 397 days: the longest iOS accepts */
	gnutls_x509_crt_set_expiration_time(crt, now + 397L * 24 * 3600);
	gnutls_x509_crt_set_dn_by_oid(crt, GNUTLS_OID_X520_COMMON_NAME, 0, host, strlen(host));
	gnutls_x509_crt_set_dn_by_oid(crt, GNUTLS_OID_X520_ORGANIZATION_NAME, 0, "schouw", 6);
	gnutls_x509_crt_set_subject_alt_name(crt, GNUTLS_SAN_DNSNAME, host, strlen(host),
	                                     GNUTLS_FSAN_APPEND);
	gnutls_x509_crt_set_subject_alt_name(crt, GNUTLS_SAN_DNSNAME, "localhost", 9,
	                                     GNUTLS_FSAN_APPEND);
	if (getifaddrs(&ifs) == 0) {
		for (struct ifaddrs *i = ifs; i != NULL; i = i->ifa_next) {
			if (i->ifa_addr == NULL)
				continue;
			if (i->ifa_addr->sa_family == AF_INET)
				gnutls_x509_crt_set_subject_alt_name(
				    crt, GNUTLS_SAN_IPADDRESS,
				    &((struct sockaddr_in *)(void *)i->ifa_addr)->sin_addr, 4,
				    GNUTLS_FSAN_APPEND);
			else if (i->ifa_addr->sa_family == AF_INET6)
				gnutls_x509_crt_set_subject_alt_name(
				    crt, GNUTLS_SAN_IPADDRESS,
				    &((struct sockaddr_in6 *)(void *)i->ifa_addr)->sin6_addr, 16,
				    GNUTLS_FSAN_APPEND);
		}
		freeifaddrs(ifs);
	}
	gnutls_x509_crt_set_key_usage(crt, GNUTLS_KEY_DIGITAL_SIGNATURE);
	gnutls_x509_crt_set_key_purpose_oid(crt, GNUTLS_KP_TLS_WWW_SERVER, 0);
	/* CA:true so phones can install it as their own trust anchor */
	gnutls_x509_crt_set_basic_constraints(crt, 1, 0);
	gnutls_x509_crt_set_key(crt, key);
	if ((e = gnutls_x509_crt_sign2(crt, crt, key, GNUTLS_DIG_SHA256, 0)) < 0 ||
	    (e = gnutls_x509_privkey_export2(key, GNUTLS_X509_FMT_PEM, &kpem)) < 0 ||
	    (e = gnutls_x509_crt_export2(crt, GNUTLS_X509_FMT_PEM, &cpem)) < 0) {
		rc = gt_err(err, "certificate", e);
		goto out;
	}
	rc = write_pem(key_path, &kpem, 0600, err);
	if (rc == SW_OK)
		rc = write_pem(cert_path, &cpem, 0644, err);
	if (rc == SW_OK)
		rc = fingerprint_of(crt, fp, err);
out:
	gnutls_free(kpem.data);
	gnutls_free(cpem.data);
	gnutls_x509_crt_deinit(crt);
	gnutls_x509_privkey_deinit(key);
	return rc;
}
