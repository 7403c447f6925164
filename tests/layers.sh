#!/usr/bin/env bash
# layers.sh - the layer rule of README.md ("Layout"), checked over the
# #include lines of src/**/*.c|h and include/schouw/*.h.
#
#   model (src/core) <- store, io, render (one tier) <- app (src/app)
#                    <- faces (src/cli, src/serve)
#
# A file may include headers of its own layer or the layers below, never a
# higher one. A private header src/<dir>/foo.h belongs to <dir>. A public
# header include/schouw/X.h belongs to the layer of the src directory whose .c
# files define its functions: the one holding X.c, else X_*.c, else the one
# defining the first sw_ function the header declares, else a "layer: NAME"
# note in the header (for headers with no code, like i18n.h). A header that
# none of these places fails the check: the rule must not have holes.
#
# usage: layers.sh [ROOT]       check the tree at ROOT (default: the source
#                               tree this script sits in); exit 1 on violations
#        layers.sh --self-test  run the check on small made-up trees, one
#                               clean and some broken, and expect the verdicts
set -u

# rank of a layer name; empty for an unknown one
rank() {
	case "$1" in
	model) echo 0 ;;
	store | io | render) echo 1 ;;
	app) echo 2 ;;
	cli | serve) echo 3 ;;
	esac
}

# layer name of a src directory
dir_layer() {
	case "$1" in
	core) echo model ;;
	store | io | render | app | cli | serve) echo "$1" ;;
	esac
}

# check ROOT: prints every violation; returns 0 when there is none
check() {
	local root=$1 bad=0
	declare -A hdr_layer=()

	cd "$root" || { echo "layers.sh: no tree at $root" >&2; return 2; }
	[ -d src ] || { echo "layers.sh: $root has no src/" >&2; return 2; }

	# place every public header
	local h name dirs fn def note
	for h in include/schouw/*.h; do
		[ -e "$h" ] || continue
		name=$(basename "$h" .h)
		dirs=$(ls src/*/"$name".c 2>/dev/null | cut -d/ -f2 | sort -u)
		[ -n "$dirs" ] || dirs=$(ls src/*/"$name"_*.c 2>/dev/null | cut -d/ -f2 | sort -u)
		if [ -z "$dirs" ]; then
			fn=$(grep -oE '\bsw_[A-Za-z0-9_]+[[:space:]]*\(' "$h" | head -n 1 |
				sed 's/[[:space:]]*($//')
			if [ -n "$fn" ]; then
				# a definition: type words from column 0, then fn, no ';' at the end
				dirs=$(grep -HE "^[A-Za-z][A-Za-z0-9_[:space:]*]*\\b$fn[[:space:]]*\\(" \
					src/*/*.c 2>/dev/null | grep -vE ';[[:space:]]*$' |
					cut -d: -f1 | cut -d/ -f2 | sort -u)
			fi
		fi
		if [ -z "$dirs" ]; then
			note=$(grep -oE '\blayer: *[a-z]+' "$h" | head -n 1 | sed 's/.*: *//')
			if [ -n "$note" ] && [ -n "$(rank "$note")" ]; then
				hdr_layer[$name]=$note
				continue
			fi
			echo "$h: cannot place this header in a layer: no src/*/$name.c or" \
				"${name}_*.c, no definition of its first sw_ function${fn:+ ($fn)}," \
				"no 'layer: NAME' note" >&2
			bad=1
			continue
		fi
		if [ "$(echo "$dirs" | wc -l)" -gt 1 ]; then
			echo "$h: its code lies in more than one directory ($(echo $dirs)):" \
				"one module per concern" >&2
			bad=1
			continue
		fi
		if [ -z "$(dir_layer "$dirs")" ]; then
			echo "$h: placed in src/$dirs, which is no known layer" >&2
			bad=1
			continue
		fi
		hdr_layer[$name]=$(dir_layer "$dirs")
	done

	# every include line of every file
	local f own own_rank line inc target tl
	while IFS= read -r f; do
		case "$f" in
		include/schouw/*) own=${hdr_layer[$(basename "$f" .h)]:-} ;;
		src/*/*) own=$(dir_layer "$(echo "$f" | cut -d/ -f2)") ;;
		*) own= ;;
		esac
		if [ -z "$own" ]; then
			case "$f" in include/*) ;; *) echo "$f: in no known layer" >&2 ;; esac
			bad=1
			continue
		fi
		own_rank=$(rank "$own")
		while IFS= read -r line; do
			inc=${line#*:}
			inc=$(echo "$inc" | sed -E 's/^[[:space:]]*#[[:space:]]*include[[:space:]]*"([^"]*)".*/\1/')
			line=${line%%:*}
			case "$inc" in
			schouw/*.h)
				target=$(basename "$inc")
				tl=${hdr_layer[$(basename "$inc" .h)]:-}
				if [ -z "$tl" ]; then
					[ -e "include/$inc" ] ||
						echo "$f:$line includes $inc, which is not in include/" >&2
					bad=1
					continue
				fi
				;;
			*/*)
				echo "$f:$line includes \"$inc\": include public headers as" \
					"\"schouw/X.h\" and private ones of the same directory by name" >&2
				bad=1
				continue
				;;
			*)
				target=$inc
				if [ ! -e "$(dirname "$f")/$inc" ]; then
					echo "$f:$line includes \"$inc\", not in $(dirname "$f")/" >&2
					bad=1
					continue
				fi
				tl=$own
				;;
			esac
			if [ "$(rank "$tl")" -gt "$own_rank" ]; then
				echo "$f:$line includes $target (layer $tl) from layer $own"
				bad=1
			fi
		done < <(grep -nE '^[[:space:]]*#[[:space:]]*include[[:space:]]*"' "$f")
	done < <(find src include/schouw -type f \( -name '*.c' -o -name '*.h' \) 2>/dev/null | sort)
	return $bad
}

# a made-up tree: model a.c/a.h, io b.c/b.h (includes a.h), app c.c/c.h
tiny_tree() {
	local d=$1
	mkdir -p "$d/include/schouw" "$d/src/core" "$d/src/io" "$d/src/app" "$d/src/cli"
	printf 'int sw_a_one(void);\n' >"$d/include/schouw/a.h"
	printf '#include "schouw/a.h"\nint sw_b_two(void);\n' >"$d/include/schouw/b.h"
	printf '#include "schouw/b.h"\nint sw_c_go(void);\n' >"$d/include/schouw/c.h"
	printf '#define N_(s) (s) /* layer: model */\n' >"$d/include/schouw/i18n.h"
	printf '#include "schouw/a.h"\n#include "schouw/i18n.h"\nint sw_a_one(void) { return 1; }\n' \
		>"$d/src/core/a.c"
	printf '#include "schouw/b.h"\nint sw_b_two(void) { return sw_a_one() + 1; }\n' \
		>"$d/src/io/b.c"
	# c.h is placed by its function, defined in a file of another name
	printf '#include "schouw/c.h"\n#include "priv.h"\nint sw_c_go(void) { return sw_b_two(); }\n' \
		>"$d/src/app/pipeline.c"
	printf '#include "schouw/b.h"\n' >"$d/src/app/priv.h"
	printf '#include "schouw/c.h"\nint main(void) { return sw_c_go(); }\n' >"$d/src/cli/main.c"
}

self_test() {
	local tmp fails=0 out
	tmp=$(mktemp -d "${TMPDIR:-/tmp}/layers.XXXXXX") || return 2

	# expect NAME WANT_STATUS WANT_TEXT: check $tmp/NAME
	expect() {
		out=$( (check "$tmp/$1") 2>&1)
		local got=$?
		if [ "$got" -ne "$2" ] || ! grep -qF -- "$3" <<<"$out"; then
			echo "self-test $1: want exit $2 and '$3', got exit $got:" >&2
			echo "$out" >&2
			fails=$((fails + 1))
		fi
	}
	tiny_tree "$tmp/clean"
	expect clean 0 ""

	tiny_tree "$tmp/up"
	printf '#include "schouw/c.h"\n' >>"$tmp/up/src/io/b.c"
	expect up 1 "src/io/b.c:3 includes c.h (layer app) from layer io"

	tiny_tree "$tmp/uphdr"
	printf '#include "schouw/b.h"\n' >>"$tmp/uphdr/include/schouw/a.h"
	expect uphdr 1 "include/schouw/a.h:2 includes b.h (layer io) from layer model"

	tiny_tree "$tmp/priv"
	printf '#include "priv.h"\n' >>"$tmp/priv/src/cli/main.c"
	expect priv 1 'src/cli/main.c:3 includes "priv.h", not in src/cli/'

	tiny_tree "$tmp/unplaced"
	printf 'int sw_nowhere(void);\n' >"$tmp/unplaced/include/schouw/lost.h"
	expect unplaced 1 "include/schouw/lost.h: cannot place this header"

	tiny_tree "$tmp/twodirs"
	printf 'int x;\n' >"$tmp/twodirs/src/app/a.c"
	expect twodirs 1 "include/schouw/a.h: its code lies in more than one directory"

	rm -rf "$tmp"
	if [ "$fails" -ne 0 ]; then
		echo "layers.sh self-test: $fails failed" >&2
		return 1
	fi
	echo "layers.sh self-test: the check passes a clean tree and fails 5 broken ones"
}

case "${1:-}" in
--self-test) self_test ;;
-h | --help) sed -n '2,20p' "$0" | sed 's/^# \{0,1\}//' ;;
*)
	root=${1:-$(cd "$(dirname "$0")/.." && pwd)}
	if (check "$root"); then
		echo "layers.sh: every #include in $root/src and include/schouw points down or sideways"
	else
		echo "layers.sh: layer rule broken (see README.md, Layout)" >&2
		exit 1
	fi
	;;
esac
