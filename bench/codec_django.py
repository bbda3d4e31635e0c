"""Django's own SessionStore().encode / decode of the benchmark session, for bench/codec.bench.ts.

Run by that benchmark once per round (so Django and TypeScript share the machine's state):
    PYTHONPATH=.cache/django/5.2/root/usr/lib/python3/dist-packages /usr/bin/python3 \
        bench/codec_django.py SECONDS '<session JSON>'
Prints one JSON line: {"django", "decode_us", "encode_us", "decode_cpu_us", "encode_cpu_us",
"token"}: wall and CPU (process) time per operation. Python runs one operation at
a time (a sync worker holds the GIL), so its in-flight throughput is its sequential rate.
"""
import json
import sys
import time

import django
from django.conf import settings

settings.configure(SECRET_KEY="django-insecure-bench", INSTALLED_APPS=["django.contrib.sessions"])
django.setup()

from django.contrib.sessions.backends.db import SessionStore  # noqa: E402

seconds = float(sys.argv[1])
session = json.loads(sys.argv[2])
store = SessionStore()
token = store.encode(session)
assert store.decode(token) == session


def per_op_us(operation):
    """Microseconds per call, wall and CPU, timed over batches for `seconds` (after a warm-up)."""
    for _ in range(200):
        operation()
    count, start, cpu = 0, time.perf_counter(), time.process_time()
    while (elapsed := time.perf_counter() - start) < seconds:
        for _ in range(200):
            operation()
        count += 200
    return elapsed / count * 1e6, (time.process_time() - cpu) / count * 1e6


decode_us, decode_cpu_us = per_op_us(lambda: store.decode(token))
encode_us, encode_cpu_us = per_op_us(lambda: store.encode(session))
print(json.dumps({
    "django": django.get_version(),
    "decode_us": decode_us,
    "encode_us": encode_us,
    "decode_cpu_us": decode_cpu_us,
    "encode_cpu_us": encode_cpu_us,
    "token": token,
}))
