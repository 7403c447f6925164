/* serve_priv.h - what the src/serve files share; not a public header. */
#ifndef SCHOUW_SERVE_PRIV_H
#define SCHOUW_SERVE_PRIV_H

#include <time.h>

#include "schouw/norm.h"
#include "schouw/serve.h"

#define SW_SERVE_FAIL_SLOTS 256

struct sw_session {
	char id[49];          /* 24 random bytes, hex */
	char token_hash[65];  /* whose: checked against the store each request */
	time_t expires;
};

/* Failed sign-ins per client address, for slowing them down. */
struct sw_fail {
	char remote[64];
	int count;
	time_t last, blocked_until;
};

struct sw_serve {
	struct sw_store *store;
	struct sw_forms *forms;
	struct sw_profile *profile; /* the store's default profile; NULL: none loaded */
	char *webdir;
	char *gisdir;
	double accuracy_threshold; /* metres; store setting gps_accuracy_threshold_m */
	struct sw_session sessions[SW_SERVE_MAX_SESSIONS];
	size_t nsessions;
	struct sw_fail fails[SW_SERVE_FAIL_SLOTS];
};

#endif
