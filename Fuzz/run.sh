#!/usr/bin/env bash
# Builds and runs the libFuzzer targets of resource-batch.
#
#   Fuzz/run.sh TARGET [SECONDS]     build TARGET and fuzz it for SECONDS (default 600)
#   Fuzz/run.sh all [SECONDS]        every target, one after the other
#   Fuzz/run.sh build [TARGET|all]   build only
#
# Targets: csv jsonl dns http errorbody json spill linebuilder. Binaries, logs and the growing corpora live in Fuzz/out/
# (gitignored); the committed seeds in Fuzz/corpus/TARGET/ are read, never written. Crashing inputs
# land in Fuzz/out/TARGET/crash-*. One fuzzer at a time, one worker: the machine is shared.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$here")"
out="$here/out"
targets=(csv jsonl dns http errorbody json spill linebuilder)
SWIFTC="${SWIFTC:-swiftc}"
flags=(-parse-as-library -sanitize=fuzzer,address -O -g)

build_codec_module() {
    # BatchCore's stages import the codecs: build one once as a module plus a static library.
    local name="$1"
    mkdir -p "$out/modules"
    "$SWIFTC" "${flags[@]}" -module-name "$name" -emit-module -emit-module-path "$out/modules/$name.swiftmodule" \
        -emit-library -static -o "$out/modules/lib$name.a" "$root"/Sources/"$name"/*.swift
}

build() {
    local target="$1"
    mkdir -p "$out/$target"
    echo "building $target …" >&2
    case "$target" in
    csv)
        "$SWIFTC" "${flags[@]}" -module-name CSVFuzz -o "$out/$target/fuzz" \
            "$root"/Sources/CSVCodec/*.swift "$here/CSVReaderFuzz.swift" ;;
    dns)
        local h="$root/Sources/BatchCore/Rules/Hosting"
        "$SWIFTC" "${flags[@]}" -module-name DNSFuzz -o "$out/$target/fuzz" \
            "$h/DNSMessage.swift" "$h/DNSName.swift" "$h/DNSError.swift" "$h/DNSHeader.swift" \
            "$h/DNSQuestion.swift" "$h/DNSRecordType.swift" "$h/DNSResourceRecord.swift" "$h/DNSResponseCode.swift" \
            "$here/DNSMessageFuzz.swift" ;;
    spill)
        "$SWIFTC" "${flags[@]}" -module-name SpillFuzz -o "$out/$target/fuzz" \
            "$root"/Sources/CSVCodec/*.swift "$here/ByteSpillFuzz.swift" ;;
    linebuilder)
        "$SWIFTC" "${flags[@]}" -module-name LineBuilderFuzz -o "$out/$target/fuzz" \
            "$root"/Sources/CSVCodec/*.swift "$here/CSVLineBuilderFuzz.swift" ;;
    errorbody)
        "$SWIFTC" "${flags[@]}" -module-name ErrorBodyFuzz -o "$out/$target/fuzz" \
            "$root/Sources/BatchCore/Wire/OnSched/APIErrorBody.swift" "$here/APIErrorBodyFuzz.swift" ;;
    json)
        "$SWIFTC" "${flags[@]}" -module-name JSONFuzz -o "$out/$target/fuzz" \
            "$root"/Sources/JSONCodec/*.swift "$here/JSONScannerFuzz.swift" ;;
    http)
        "$SWIFTC" "${flags[@]}" -module-name OnSchedEmulator -o "$out/$target/fuzz" \
            "$root"/Sources/OnSchedEmulator/*.swift "$here/HTTPRequestParserFuzz.swift" ;;
    jsonl)
        build_codec_module CSVCodec
        build_codec_module XLSXCodec
        build_codec_module JSONCodec
        # Every BatchCore stage plus the harness, as one module BatchCore (internals reachable):
        # the stages' imports of one another are dropped, as they are one module here.
        local staged="$out/$target/sources"
        rm -rf "$staged" && mkdir -p "$staged"
        while IFS= read -r -d '' f; do
            local rel="${f#"$root"/Sources/BatchCore/}"
            sed -E '/^(@_exported )?import Batch[A-Za-z]+$/d' "$f" > "$staged/${rel//\//_}"
        done < <(find "$root/Sources/BatchCore" -name '*.swift' -not -path '*/Umbrella/*' -print0 | sort -z)
        "$SWIFTC" "${flags[@]}" -module-name BatchCore -package-name resource_batch -I "$out/modules" \
            -o "$out/$target/fuzz" "$staged"/*.swift "$here/JSONLFuzz.swift" \
            "$out/modules/libCSVCodec.a" "$out/modules/libXLSXCodec.a" "$out/modules/libJSONCodec.a" ;;
    *)
        echo "unknown target '$target' (known: ${targets[*]})" >&2
        exit 2 ;;
    esac
}

run() {
    local target="$1" seconds="$2"
    # Explicit: under `run … || status=1` (the "all" loop) set -e does not apply in here.
    build "$target" 2> >(grep -v 'Cannot export local symbol' >&2) || { echo "$target: build failed" >&2; return 1; }
    local work="$out/$target/corpus"
    mkdir -p "$work"
    local log="$out/$target/fuzz.log"
    rm -f "$out/$target"/fuzz-*.log
    echo "fuzzing $target for $seconds s (log: $log)" >&2
    # Work corpus first (new inputs are written there), committed seeds second (read only).
    set +e
    (cd "$out/$target" && SWIFT_BACKTRACE=enable=no ASAN_OPTIONS="detect_leaks=1:${ASAN_OPTIONS:-}" ./fuzz \
        -max_total_time="$seconds" -jobs=1 -workers=1 -timeout=10 -rss_limit_mb=4096 -max_len=65536 \
        -print_final_stats=1 -artifact_prefix="$out/$target/" \
        "$work" "$here/corpus/$target" ) >"$log" 2>&1
    local rc=$?
    set -e
    # With -jobs=1 libFuzzer runs the fuzzing in a child whose output is fuzz-0.log.
    local job="$out/$target/fuzz-0.log"
    [ -f "$job" ] || job="$log"
    grep -E '^(stat::|#[0-9]+[[:space:]]+DONE|==[0-9]+==ERROR|SUMMARY|Test unit written|\*\*\* Swift runtime failure)' "$job" | tail -n 20 >&2 || true
    echo "$target: exit $rc" >&2
    return $rc
}

cmd="${1:-}"
seconds="${2:-600}"
case "$cmd" in
"") sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
build)
    t="${2:-all}"
    if [ "$t" = all ]; then set -- "${targets[@]}"; else set -- "$t"; fi
    for x in "$@"; do build "$x" 2> >(grep -v 'Cannot export local symbol' >&2); done ;;
all)
    status=0
    for t in "${targets[@]}"; do run "$t" "$seconds" || status=1; done
    exit $status ;;
*) run "$cmd" "$seconds" ;;
esac
