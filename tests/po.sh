#!/usr/bin/env bash
# The message catalogues against the sources (scripts/po-update.sh --check):
# every message of src/ present in po/nl.po, translated and not fuzzy, and
# msgfmt --check (format specifiers, plural forms, header) clean.
#   tests/po.sh ROOT              check the tree at ROOT
#   tests/po.sh --self-test ROOT  prove the check fails on a new message, an
#                                 emptied or fuzzy translation, and a changed
#                                 format specifier
set -u
self=false
[ "${1:-}" = --self-test ] && { self=true; shift; }
root=${1:?usage: po.sh [--self-test] ROOT}
check() { sh "$root/scripts/po-update.sh" --check "$@"; }

if ! $self; then
	check
	exit $?
fi

T=$(mktemp -d "${TMPDIR:-/tmp}/po-selftest.XXXXXX")
trap 'rm -rf "$T"' EXIT
fails=0
must_fail() { # WHAT ARGS...: the check must fail
	local what=$1; shift
	if check "$@" >"$T/out" 2>&1; then
		echo "FAIL: the check passed on $what" >&2
		fails=$((fails + 1))
	fi
}
# the unchanged copies pass
cp -r "$root/src" "$T/src"
cp "$root/po/nl.po" "$T/nl.po"
if ! check --root "$T" --po "$T/nl.po" >"$T/out" 2>&1; then
	echo "FAIL: the check fails on an unchanged copy:" >&2
	cat "$T/out" >&2
	exit 1
fi
# a message added to the sources, not in the catalogue
printf '#include "schouw/i18n.h"\nconst char *sw_po_selftest(void) { return _("a message nobody translated"); }\n' \
	>"$T/src/po_selftest.c"
must_fail "a new message" --root "$T" --po "$T/nl.po"
grep -q "a message nobody translated" "$T/out" || { echo "FAIL: the missing message is not named" >&2; fails=$((fails + 1)); }
rm "$T/src/po_selftest.c"
# an entry with its translation emptied
python3 - "$T/nl.po" "$T/empty.po" <<'PY'
import sys
s = open(sys.argv[1], encoding='utf-8').read()
i = s.index('msgid "out of memory"\nmsgstr "')
j = s.index('\n', i + len('msgid "out of memory"\n'))
open(sys.argv[2], 'w', encoding='utf-8').write(s[:i] + 'msgid "out of memory"\nmsgstr ""' + s[j:])
PY
must_fail "an untranslated entry" --root "$T" --po "$T/empty.po"
# a fuzzy entry
sed '0,/^msgid "out of memory"/s//#, fuzzy\nmsgid "out of memory"/' "$T/nl.po" >"$T/fuzzy.po"
must_fail "a fuzzy entry" --root "$T" --po "$T/fuzzy.po"
# a translation whose format specifier differs from the original
python3 - "$T/nl.po" "$T/format.po" <<'PY'
import sys, re
s = open(sys.argv[1], encoding='utf-8').read()
m = re.search(r'msgid "unknown setting \'%s\'; known settings: %s"\nmsgstr "([^"]*)"', s)
bad = m.group(1).replace('%s', '%d', 1)
open(sys.argv[2], 'w', encoding='utf-8').write(s[:m.start(1)] + bad + s[m.end(1):])
PY
cmp -s "$T/nl.po" "$T/format.po" && { echo "FAIL: self-test could not change a specifier" >&2; fails=$((fails + 1)); }
must_fail "a changed format specifier" --root "$T" --po "$T/format.po"
if msgfmt --check --check-format -o /dev/null "$T/format.po" 2>/dev/null; then
	echo "FAIL: msgfmt --check passed a changed format specifier" >&2
	fails=$((fails + 1))
fi
echo "po.sh --self-test: $fails failures"
[ "$fails" -eq 0 ]
