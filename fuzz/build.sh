#!/bin/sh
# Builds every libFuzzer target into build-fuzz/ with clang (ASan + UBSan).
# Not part of the CMake build. Run from anywhere: fuzz/build.sh [target...]
# Needs: clang-14, libclang-rt-14-dev, and the -dev packages of the server.
set -eu

cd "$(dirname "$0")/.."
CC=${CC:-clang-14}
OUT=build-fuzz
# -fno-sanitize-recover makes a UBSan report a crash libFuzzer stops on.
CFLAGS="-g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all -I src -D_GNU_SOURCE"
LIBS="$(pkg-config --cflags --libs jansson cjose openssl inih sqlite3 libmicrohttpd libcbor) -lpthread"

# The src/ files each target links: the parser under test and what it calls.
sources() {
    case $1 in
    form) echo src/core/form.c ;;
    basic) echo src/oauth/client_auth.c src/core/form.c src/core/b64url.c src/core/hash.c \
        src/core/text.c src/core/log.c src/core/clock.c ;;
    bearer) echo src/core/bearer.c src/core/text.c ;;
    jwt) echo src/jose/jwt.c src/jose/jwk.c src/jose/jws.c src/core/b64url.c src/core/hash.c \
        src/core/log.c src/core/clock.c src/core/text.c ;;
    config) echo src/core/config.c src/core/config_settings.c src/core/config_webauthn.c src/core/claim_name.c src/core/db_url.c src/core/text.c ;;
    scope) echo src/oauth/scope.c src/core/strlist.c src/core/text.c ;;
    b64url) echo src/core/b64url.c ;;
    redirect_uri) echo src/oauth/client_rules.c src/oauth/scope.c src/core/strlist.c src/core/url.c \
        src/core/buf.c \
        src/core/rand.c src/core/hash.c src/core/b64url.c src/core/text.c ;;
    cookie) echo src/http/cookie.c ;;
    authorize) echo src/oauth/authorize_request.c src/oauth/client_rules.c src/oauth/scope.c \
        src/core/url.c src/core/form.c src/core/buf.c src/core/strlist.c src/core/text.c \
        src/core/errors.c src/oauth/pkce.c src/core/hash.c src/core/b64url.c src/core/rand.c \
        src/oauth/resource.c src/store/store_resources.c src/store/timing.c src/core/metrics.c \
        src/core/clock.c src/oauth/claims_request.c src/oauth/claims.c src/core/config.c src/core/config_settings.c src/core/config_webauthn.c \
        src/core/claim_name.c src/oauth/mfa_level.c \
        src/core/db_url.c ;;
    render) echo src/ui/render.c src/core/buf.c src/core/errors.c ;;
    otp) echo src/core/base32.c src/oauth/totp.c src/oauth/recovery_codes.c src/core/rand.c \
        src/core/hash.c src/core/url.c src/core/buf.c src/core/b64url.c src/core/text.c ;;
    webauthn) echo src/oauth/webauthn.c src/oauth/webauthn_attestation.c \
        src/oauth/webauthn_authdata.c src/oauth/webauthn_client_data.c src/jose/cose_key.c \
        src/jose/cose_key_use.c src/core/cbor_input.c src/core/byte_cursor.c src/core/b64url.c \
        src/core/hash.c ;;
    *) echo "unknown target: $1" >&2; return 1 ;;
    esac
}

TARGETS=${*:-"form basic bearer jwt config scope b64url redirect_uri cookie authorize render otp webauthn"}
mkdir -p "$OUT"
for t in $TARGETS; do
    src=$(sources "$t")
    echo "build $OUT/fuzz_$t"
    # shellcheck disable=SC2086 # word splitting of the flag and file lists is wanted
    $CC $CFLAGS "fuzz/fuzz_$t.c" $src $LIBS -o "$OUT/fuzz_$t"
done
