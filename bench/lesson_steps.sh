#!/usr/bin/env bash
# How smoothly a lesson page plays: the time one step, one step back and one
# scrub take in headless Chromium, for a 1,000-node scenario (gather of 9
# serials of 110 pairs, the one tests/lesson.rs sizes). Prints
# `steps N step MEDIAN,P95,MAX back ... scrub ...` in milliseconds.
# Usage: bench/lesson_steps.sh [path/to/saywhen]   (needs chromium, python3)
set -euo pipefail
saywhen=${1:-target/release/saywhen}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
scenario=$(python3 -c "
print('gather(' + ', '.join('serial(' + ', '.join(f'{1+(i*7+s)%50}ms:m{s}_{i}' for i in range(110)) + ')' for s in range(9)) + ')')")
"$saywhen" --virtual-time run "$scenario" --export "$work/lesson.html" >/dev/null
echo "page: $(stat -c %s "$work/lesson.html") bytes"
{
  cat "$work/lesson.html"
  cat <<'JS'
<script>
const click = id => document.getElementById(id).click();
click('start');
const steps = Number(document.getElementById('scrub').max);
const time = (n, f) => { const t = []; for (let k = 0; k < n; k++) { const t0 = performance.now(); f(k); t.push(performance.now() - t0); } return t; };
const step = time(Math.min(steps, 400), () => click('step'));
const back = time(200, () => click('back'));
const scrub = document.getElementById('scrub');
const jump = time(50, k => { scrub.value = String((k * 7919) % steps); scrub.dispatchEvent(new Event('input')); });
const stats = a => { const b = [...a].sort((x, y) => x - y); return [b[b.length >> 1], b[Math.floor(b.length * 0.95)], b[b.length - 1]].map(v => v.toFixed(2)).join(','); };
const pre = document.createElement('pre'); pre.id = 'perf';
pre.textContent = 'steps ' + steps + ' step ' + stats(step) + ' back ' + stats(back) + ' scrub ' + stats(jump);
document.body.append(pre);
</script>
JS
} >"$work/driven.html"
browser=$(command -v chromium || command -v chromium-browser || command -v google-chrome)
"$browser" --headless --no-sandbox --disable-gpu --virtual-time-budget=20000 --dump-dom \
  "file://$work/driven.html" 2>/dev/null | grep -o '<pre id="perf">[^<]*' | sed 's/<pre id="perf">//'
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
