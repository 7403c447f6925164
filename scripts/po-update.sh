#!/bin/sh
# po-update.sh - keep the message catalogues (po/<lang>.po) in step with the
# sources. The one xgettext invocation of the project lives here; the CMake
# targets `pot` and `po-update` and the catalogue test (tests/po.sh) call it.
#
#   scripts/po-update.sh              regenerate po/schouw.pot, merge it into
#                                     every po/*.po (fuzzy matching on, so a
#                                     reworded message keeps its old translation
#                                     marked fuzzy) and list what needs work
#   scripts/po-update.sh --no-fuzzy   the same without fuzzy matching
#   scripts/po-update.sh --pot-only   only regenerate po/schouw.pot
#   scripts/po-update.sh --check [--root DIR] [--po FILE]
#                                     change nothing; exit 1 when a message of
#                                     the sources under DIR/src is missing from
#                                     FILE (default every po/*.po), untranslated
#                                     or fuzzy, or when msgfmt --check fails
#
# Topping up after a merge: run it, translate the entries it lists in po/nl.po
# (remove the "#, fuzzy" line once a fuzzy one is right), run it again until
# it lists nothing, then `ctest -R po_`.
set -eu

here=$(cd "$(dirname "$0")/.." && pwd)
root=$here
mode=update
fuzzy=""
pofiles=""
while [ $# -gt 0 ]; do
	case "$1" in
	--pot-only) mode=pot ;;
	--check) mode=check ;;
	--no-fuzzy) fuzzy=--no-fuzzy-matching ;;
	--root) root=$2; shift ;;
	--po) pofiles="$pofiles $2"; shift ;;
	-h | --help) sed -n '2,21p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	*) echo "po-update.sh: unknown option '$1'" >&2; exit 2 ;;
	esac
	shift
done
[ -n "$pofiles" ] || pofiles=$(ls "$here"/po/*.po 2>/dev/null || true)

# extract OUT: every _(), N_(), ngettext() ... string of src/*.[ch] into OUT.
# Locations name the file only, so a po file does not churn on every edit.
extract() {
	version=$(sed -n 's/^project(schouw VERSION \([0-9.]*\).*/\1/p' "$here/CMakeLists.txt")
	(cd "$root" && find src -name '*.[ch]' | LC_ALL=C sort |
		xgettext --language=C --from-code=UTF-8 --keyword=_ --keyword=N_ --keyword=sw_cli_count:2,3 \
			--add-comments=TRANSLATORS: --add-location=file \
			--package-name=schouw --package-version="${version:-0}" \
			--files-from=- -o "$1")
}

# todo PO --untranslated|--only-fuzzy: those entries of PO, without the header
todo() {
	msgattrib "$2" --no-obsolete --no-wrap "$1" |
		awk 'BEGIN { RS = ""; ORS = "\n\n" } !/msgid ""\nmsgstr ""\n"Project-Id-Version/'
}

case "$mode" in
pot)
	mkdir -p "$here/po"
	extract "$here/po/schouw.pot"
	echo "po/schouw.pot: $(grep -c '^msgid ' "$here/po/schouw.pot") entries (with the header)"
	;;
check)
	tmp=$(mktemp -d "${TMPDIR:-/tmp}/po-check.XXXXXX")
	trap 'rm -rf "$tmp"' EXIT
	extract "$tmp/schouw.pot"
	bad=0
	for po in $pofiles; do
		# format specifiers, plural forms and header
		if ! msgfmt --check --check-format -o /dev/null "$po"; then
			echo "$po: msgfmt --check failed" >&2
			bad=1
		fi
		# every msgid of the sources present, translated and not fuzzy
		# (msgcmp counts untranslated and fuzzy entries as missing)
		if ! msgcmp "$po" "$tmp/schouw.pot" 2>/dev/null; then
			# name them: merge without guessing, list what is not done
			msgmerge --quiet --no-fuzzy-matching --no-wrap -o "$tmp/merged.po" "$po" "$tmp/schouw.pot"
			echo "$po: messages of the sources missing, untranslated or fuzzy" \
				"(run scripts/po-update.sh and translate them):" >&2
			todo "$tmp/merged.po" --untranslated >&2
			todo "$tmp/merged.po" --only-fuzzy >&2
			bad=1
		fi
	done
	exit $bad
	;;
update)
	mkdir -p "$here/po"
	extract "$here/po/schouw.pot"
	for po in $pofiles; do
		msgmerge --quiet --update --backup=none --add-location=file $fuzzy --previous \
			"$po" "$here/po/schouw.pot"
		# drop obsolete entries (#~): the history is in git
		msgattrib --no-obsolete -o "$po" "$po"
		printf '%s: ' "$po"
		msgfmt --statistics --check -o /dev/null "$po" 2>&1
		# the entries still to do, without the header entry
		list=$(todo "$po" --untranslated)
		if [ -n "$list" ]; then
			echo "-- untranslated in $po (fill in the msgstr):"
			printf '%s\n' "$list"
		fi
		list=$(todo "$po" --only-fuzzy)
		if [ -n "$list" ]; then
			echo "-- fuzzy in $po (check the msgstr, then delete its '#, fuzzy' line):"
			printf '%s\n' "$list"
		fi
	done
	;;
esac
