#!/usr/bin/env bash
# Dutch throughout: LANG=nl_NL.UTF-8 (or LANGUAGE=nl) gives the Dutch
# catalogue of po/nl.po, found in the build tree; anything else English.
# Help, errors, forms, check and summary output, and numbers that stay
# parseable (decimal point) in Dutch.
. "$(dirname "$0")/lib.sh"

if ! locale -a 2>/dev/null | grep -qix 'nl_NL\.utf-\?8'; then
	echo "i18n.sh: the nl_NL.UTF-8 locale is missing; as root run: sh scripts/deps.sh" >&2
	exit 1
fi
# lib.sh sets LC_ALL=C.UTF-8 for the other scripts; here each run picks its own
for v in $(env | sed -n 's/^\(LC_[A-Z_]*\)=.*/\1/p'); do unset "$v"; done
unset LANG LANGUAGE
nl() { LANG=nl_NL.UTF-8 "$@"; }
en() { LANG=C.UTF-8 "$@"; }

# --- help: Dutch under nl_NL, English under C, en_US and de_DE (no catalogue)
expect 0 nl "$SCHOUW" --help
contains "$OUT" "gebruik: schouw [--db PAD] <opdracht>"
contains "$OUT" "gehandicaptenparkeerplaatsen"
contains "$OUT" "een nieuwe, lege opslag maken" "command summary"
lacks "$OUT" "usage:"
expect 0 en "$SCHOUW" --help; contains "$OUT" "usage: schouw"; lacks "$OUT" "gebruik"
expect 0 env LANG=C "$SCHOUW" --help; contains "$OUT" "usage: schouw"
expect 0 env LANG=de_DE.UTF-8 "$SCHOUW" --help; contains "$OUT" "usage: schouw"
expect 0 env LANG=en_US.UTF-8 "$SCHOUW" --help; contains "$OUT" "usage: schouw"
# LANGUAGE=nl on its own, under the C locale, and over an English LANG
expect 0 env LANGUAGE=nl "$SCHOUW" --help; contains "$OUT" "gebruik: schouw" "LANGUAGE=nl alone"
expect 0 env LANGUAGE=nl LANG=C "$SCHOUW" --help; contains "$OUT" "gebruik: schouw" "LANGUAGE=nl LANG=C"
expect 0 env LANGUAGE=nl LANG=C.UTF-8 "$SCHOUW" --help; contains "$OUT" "gebruik: schouw"
# LANGUAGE=en wins over a Dutch LANG, as gettext does
expect 0 env LANGUAGE=en LANG=nl_NL.UTF-8 "$SCHOUW" --help; contains "$OUT" "usage: schouw"
# the help of every command is Dutch
for c in init log list show set delete history forms summary import export check profile areas config map \
	photo user serve doctor report merge conflicts resolve push pull; do
	expect 0 nl "$SCHOUW" "$c" --help; contains "$OUT" "gebruik: schouw $c" "help of $c"
done
# SCHOUW_LOCALEDIR names the catalogues: an empty folder means English
mkdir -p "$T/nolocale"
expect 0 env SCHOUW_LOCALEDIR="$T/nolocale" LANG=nl_NL.UTF-8 "$SCHOUW" --help
contains "$OUT" "usage: schouw" "SCHOUW_LOCALEDIR without catalogue"

# --- errors
expect 2 nl "$SCHOUW" --bogus; contains "$ERR" "onbekende optie '--bogus'"
expect 2 nl "$SCHOUW" list; contains "$ERR" "geen opslag op"; contains "$ERR" "schouw init"
expect 2 en "$SCHOUW" list; contains "$ERR" "no store at"
expect 0 nl "$SCHOUW" init; contains "$OUT" "aangemaakt"
expect 2 nl "$SCHOUW" log lift --x 105000 --y 425000
contains "$ERR" "onbekende soort 'lift'; geldige soorten:"
expect 2 en "$SCHOUW" log lift --x 105000 --y 425000; contains "$ERR" "unknown type 'lift'"
expect 2 nl "$SCHOUW" log kerb_ramp --lat 4.66 --lon 51.81
contains "$ERR" "lijken verwisseld" "swapped lat/lon hint"
expect 2 nl "$SCHOUW" log kerb_ramp --x 105000 --y 425000 --set running_slope_pct=veel
contains "$ERR" "is geen getal"
# an ambiguous date names Dutch months in a Dutch sentence
expect 2 nl "$SCHOUW" import "$SW_TESTDATA/real/comma_ambiguous.csv"
contains "$ERR" "'1-3-2025' kan 1 maart of 3 januari zijn" "month names in Dutch"
lacks "$ERR" "March"

# --- logging, numbers stay parseable in Dutch (decimal point, not comma)
expect 0 nl "$SCHOUW" log kerb_ramp --x 105000.5 --y 425000.25 --set running_slope_pct=12,5 \
	--set width_m=1.2 --by "An de Vries"
contains "$OUT" "kerb_ramp 1 vastgelegd"
contains "$OUT" "op RD 105000.50, 425000.25" "decimal point in Dutch"
contains "$OUT" "VOLDOET NIET" "verdict after log"
expect 0 nl "$SCHOUW" log crossing --x 105100 --y 425100 --status realised --by An
expect 0 nl "$SCHOUW" list --format csv
contains "$OUT" "105000.5" "CSV number in Dutch"
lacks "$OUT" "105000,5"
expect 0 nl "$SCHOUW" show 1
contains "$OUT" "soort            kerb_ramp (Op-/afrit)"
contains "$OUT" "Gepland" "status label in Dutch"
contains "$OUT" "Hellingspercentage" "field label in Dutch"
contains "$OUT" "12.5 %"
expect 0 en "$SCHOUW" show 1; contains "$OUT" "(Kerb ramp)"; contains "$OUT" "(Planned)"

# --- forms
expect 0 nl "$SCHOUW" forms
contains "$OUT" "Formulieren ("; contains "$OUT" "Statussen:"
contains "$OUT" "Gerealiseerd"
expect 0 nl "$SCHOUW" forms kerb_ramp
contains "$OUT" "Dwarshelling" "field labels of forms in Dutch"
expect 0 en "$SCHOUW" forms kerb_ramp; contains "$OUT" "Cross slope"; lacks "$OUT" "Dwarshelling"

# --- check: verdicts, findings and the summary in Dutch
expect 1 nl "$SCHOUW" check
contains "$OUT" "VOLDOET NIET"
contains "$OUT" "[fout]" "severity"
contains "$OUT" "grenswaarde"
contains "$OUT" "Samenvatting per soort en status"
contains "$OUT" "toetsronde 1 bewaard in"
head=$(printf '%s\n' "$OUT" | grep '^soort ')
contains "$head" "voldoet niet"
# the summary's columns line up with their Dutch heads
row=$(printf '%s\n' "$OUT" | grep '^alle ')
equal "${#row}" "${#head}" "summary row as wide as its head"
expect 1 en "$SCHOUW" check --no-record
contains "$OUT" "FAIL"; contains "$OUT" "Summary per type and status"; lacks "$OUT" "VOLDOET"
# machine formats keep their English keys in Dutch
expect 1 nl "$SCHOUW" check --no-record --format json --summary
echo "$OUT" | python3 -c 'import json,sys; d=json.load(sys.stdin); sys.exit(0 if "pass" in json.dumps(d) else 1)' \
	&& ok || fail "check JSON keys in Dutch: $OUT"

# --- summary
expect 0 nl "$SCHOUW" summary
contains "$OUT" "soort"; contains "$OUT" "totaal"; lacks "$OUT" "total "
expect 0 en "$SCHOUW" summary; contains "$OUT" "total"

# --- report and map: --lang switches the messages of that run, under either LANG
for L in nl_NL.UTF-8 C.UTF-8; do
	expect 0 env LANG=$L "$SCHOUW" report --lang nl --no-maps -o "rep-nl-$L"
	contains "$OUT" "punten aan het begin" "report --lang nl summary under $L"
	md=$(cat "rep-nl-$L/report.md")
	contains "$md" "# Voortgang van het programma inclusieve stad" "report --lang nl title under $L"
	contains "$md" "## Punten per soort en status" "report --lang nl heading under $L"
	contains "$md" "| gebied | soort | status | begin | eind | verschil |" "Dutch table head under $L"
	contains "$md" "## Toetsing aan de normen"
	lacks "$md" "Points per type"; lacks "$md" "Compliance"
	expect 0 env LANG=$L "$SCHOUW" report --lang en --no-maps -o "rep-en-$L"
	contains "$OUT" "points at the start" "report --lang en summary under $L"
	md=$(cat "rep-en-$L/report.md")
	contains "$md" "# Progress of the inclusive-city programme" "report --lang en title under $L"
	contains "$md" "## Points per type and status" "report --lang en heading under $L"
	contains "$md" "| area | type | status | start | end | difference |" "English table head under $L"
	lacks "$md" "Punten per soort"; lacks "$md" "Toetsing"
	# errors after --lang come in that language too
	expect 2 env LANG=$L "$SCHOUW" report --lang nl --from 2025-12-01 --to 2025-01-01 -o bad
	contains "$ERR" "is leeg" "report --lang nl error under $L"
	expect 2 env LANG=$L "$SCHOUW" report --lang en --from 2025-12-01 --to 2025-01-01 -o bad
	contains "$ERR" "is empty" "report --lang en error under $L"
	expect 0 env LANG=$L "$SCHOUW" map --lang nl --no-basemap -o "map-$L.png"
	contains "$OUT" "punten, 1:" "map --lang nl under $L"
	expect 0 env LANG=$L "$SCHOUW" map --lang en --no-basemap -o "map-$L.png"
	contains "$OUT" "points, 1:" "map --lang en under $L"
done
# --lang beats LANGUAGE as well
expect 0 env LANGUAGE=en LANG=nl_NL.UTF-8 "$SCHOUW" report --lang nl --no-maps -o rep-language
contains "$(cat rep-language/report.md)" "## Punten per soort en status" "--lang nl over LANGUAGE=en"
# the numbers of every run stay parseable: the CSV tables keep '.' decimals
lacks "$(cat rep-nl-C.UTF-8/compliance.csv)" ";" "report CSV stays RFC 4180 in Dutch"

# --- the installed catalogue: cmake --install puts it under share/locale
build=$(dirname "$SCHOUW")
if [ -f "$build/cmake_install.cmake" ]; then
	expect 0 cmake --install "$build" --prefix "$T/inst"
	mo="$T/inst/share/locale/nl/LC_MESSAGES/schouw.mo"
	[ -s "$mo" ] && ok || fail "no installed catalogue at $mo"
	expect 0 env SCHOUW_LOCALEDIR="$T/inst/share/locale" LANG=nl_NL.UTF-8 "$SCHOUW" --help
	contains "$OUT" "gebruik: schouw" "installed catalogue"
fi

done_testing
