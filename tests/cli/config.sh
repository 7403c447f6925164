#!/usr/bin/env bash
# schouw config: per-user settings in $XDG_CONFIG_HOME/schouw/config (else
# ~/.config/schouw/config), and the surveyor that set, delete, import and log
# record without --by: --by, $SCHOUW_USER, the config's surveyor, $USER, the
# login name of the uid.
. "$(dirname "$0")/lib.sh"

export HOME="$T/home"
unset XDG_CONFIG_HOME SCHOUW_USER
mkdir -p "$HOME"
conf="$HOME/.config/schouw/config"
# who SQL-CONDITION: the distinct authors of the matching history rows
who() { sqlite3 "$SCHOUW_DB" "SELECT group_concat(DISTINCT who) FROM schouw_history WHERE $1"; }

# --- nothing set yet: no file needed, nothing printed ---
expect 0 "$SCHOUW" config
equal "$OUT" "" "settings without a file"
expect 1 "$SCHOUW" config surveyor
equal "$OUT" "" "an unset surveyor"
[ ! -e "$HOME/.config" ] && ok || fail "reading the settings created $HOME/.config"
expect 0 "$SCHOUW" config --path
equal "$OUT" "$conf" "config --path"

# --- set, get, list: the file and its directory are created ---
expect 0 "$SCHOUW" config surveyor "An de Vries"
[ -f "$conf" ] && ok || fail "config surveyor did not write $conf"
contains "$(cat "$conf")" "surveyor = An de Vries" "$conf"
expect 0 "$SCHOUW" config surveyor
equal "$OUT" "An de Vries" "config surveyor"
expect 0 "$SCHOUW" config
equal "$OUT" "surveyor=An de Vries" "config (all keys)"
expect 0 "$SCHOUW" config surveyor "Björn Ångström"
expect 0 "$SCHOUW" config surveyor
equal "$OUT" "Björn Ångström" "config surveyor after a second set"
equal "$(ls -A "$(dirname "$conf")")" "config" "files beside the config (no temporary left)"

# --- bad keys and values: exit 2, a message, the file untouched ---
sum=$(md5sum <"$conf")
expect 2 "$SCHOUW" config colour red; contains "$ERR" "unknown setting 'colour'"; contains "$ERR" "surveyor"
expect 2 "$SCHOUW" config colour; contains "$ERR" "unknown setting 'colour'"
expect 2 "$SCHOUW" config --unset colour; contains "$ERR" "unknown setting 'colour'"
expect 2 "$SCHOUW" config surveyor ""; contains "$ERR" "--unset"
expect 2 "$SCHOUW" config surveyor " An"; contains "$ERR" "blank"
expect 2 "$SCHOUW" config surveyor $'An\nde Vries'; contains "$ERR" "control character"
expect 2 "$SCHOUW" config surveyor $'An \xff'; contains "$ERR" "UTF-8"
expect 2 "$SCHOUW" config surveyor "An ; de Vries"; contains "$ERR" "comment"
expect 2 "$SCHOUW" config surveyor "$(printf 'x%.0s' $(seq 1 151))"; contains "$ERR" "longer"
expect 2 "$SCHOUW" config surveyor a b; contains "$ERR" "at most KEY and VALUE"
expect 2 "$SCHOUW" config --unset; contains "$ERR" "--unset takes one KEY"
expect 2 "$SCHOUW" config --bogus; contains "$ERR" "unknown option"
equal "$(md5sum <"$conf")" "$sum" "config file after refused changes"

# --- unset ---
expect 0 "$SCHOUW" config --unset surveyor
expect 1 "$SCHOUW" config surveyor
expect 0 "$SCHOUW" config
equal "$OUT" "" "settings after --unset"
expect 0 "$SCHOUW" config --unset surveyor

# --- XDG_CONFIG_HOME wins over HOME when absolute; a relative one is ignored ---
XDG_CONFIG_HOME="$T/xdg" expect 0 "$SCHOUW" config surveyor "Xander"
[ -f "$T/xdg/schouw/config" ] && ok || fail "no $T/xdg/schouw/config"
XDG_CONFIG_HOME="$T/xdg" expect 0 "$SCHOUW" config surveyor; equal "$OUT" "Xander" "surveyor from XDG_CONFIG_HOME"
expect 1 "$SCHOUW" config surveyor # HOME's file has none
XDG_CONFIG_HOME="relative/dir" expect 0 "$SCHOUW" config --path; equal "$OUT" "$conf" "a relative XDG_CONFIG_HOME"

# --- the configured surveyor is who log, set, delete and import record ---
expect 0 "$SCHOUW" init
expect 0 "$SCHOUW" config surveyor "An de Vries"
expect 0 "$SCHOUW" log kerb_ramp --x 104897 --y 425327 -q
equal "$(sqlite3 "$SCHOUW_DB" 'SELECT surveyor FROM points WHERE id = 1')" "An de Vries" "surveyor of a logged point"
expect 0 "$SCHOUW" set 1 status=realised
expect 0 "$SCHOUW" log kerb_ramp --x 104898 --y 425328 -q
uuid2=$(sqlite3 "$SCHOUW_DB" 'SELECT uuid FROM points WHERE id = 2')
expect 0 "$SCHOUW" delete 2
printf 'type,x,y\nkerb_ramp,104899,425329\n' >one.csv
expect 0 "$SCHOUW" import one.csv
equal "$(who "point_id = 1")" "An de Vries" "history of log and set"
equal "$(who "point_uuid = '$uuid2' AND action = 'delete'")" "An de Vries" "history of delete"
equal "$(who "point_id = 3")" "An de Vries" "history of import"
expect 0 "$SCHOUW" history 1
contains "$OUT" "An de Vries" "schouw history"

# --by, then SCHOUW_USER, come first
expect 0 "$SCHOUW" set 1 note=een --by "Piet"
SCHOUW_USER="Env Name" expect 0 "$SCHOUW" set 1 note=twee
equal "$(who "point_id = 1 AND field = 'note' AND new_value = 'een'")" "Piet" "--by over the config"
equal "$(who "point_id = 1 AND field = 'note' AND new_value = 'twee'")" "Env Name" "SCHOUW_USER over the config"

# --- without a configured surveyor: $USER, then the login name ---
expect 0 "$SCHOUW" config --unset surveyor
USER="user-from-env" expect 0 "$SCHOUW" set 1 note=drie
equal "$(who "point_id = 1 AND new_value = 'drie'")" "user-from-env" "\$USER without a configured surveyor"
login=$(id -un)
env -u USER "$SCHOUW" set 1 note=vier >/dev/null 2>&1 && ok || fail "set without USER"
equal "$(who "point_id = 1 AND new_value = 'vier'")" "$login" "login name without USER"
lacks "$(sqlite3 "$SCHOUW_DB" 'SELECT who FROM schouw_history')" "unknown" "authors in the history"

# --- a broken settings file stops a change with exit 2, the store unchanged ---
printf 'surveyor = An\ncolour = red\n' >"$conf"
before=$(snapshot)
expect 2 "$SCHOUW" set 1 note=vijf
contains "$ERR" "$conf:2:"
contains "$ERR" "unknown setting 'colour'"
expect 2 "$SCHOUW" log kerb_ramp --x 104897 --y 425327
expect 2 "$SCHOUW" delete 1
expect 2 "$SCHOUW" import one.csv
unchanged "$before" "" "changes with a broken settings file"
expect 2 "$SCHOUW" config
contains "$ERR" "$conf:2:"
printf '[user]\nsurveyor = An\n' >"$conf"
expect 2 "$SCHOUW" config surveyor; contains "$ERR" "no sections"
printf 'surveyor\n' >"$conf"
expect 2 "$SCHOUW" config surveyor; contains "$ERR" "$conf:1: expected 'key = value'"
# --by needs no settings
expect 0 "$SCHOUW" set 1 note=zes --by "Piet"

done_testing
