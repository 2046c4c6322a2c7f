"""gunicorn settings of the web container (Dockerfile CMD). Environment: GUNICORN_BIND, GUNICORN_WORKERS,
PORTAL_TRUSTED_PROXIES (the reverse proxy's addresses/CIDRs, comma-separated; empty = trust none)."""

import os

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", "3"))
timeout = 60
accesslog = "-"
# %(h)s is REMOTE_ADDR after TrustedProxyMiddleware (the real client); xff/proto are what the proxy sent.
access_log_format = '%(h)s xff=%({x-forwarded-for}i)s proto=%({x-forwarded-proto}i)s "%(r)s" %(s)s %(b)s %(M)sms'
# gunicorn sets wsgi.url_scheme from X-Forwarded-Proto only for these peers, and honours no other header.
forwarded_allow_ips = os.environ.get("PORTAL_TRUSTED_PROXIES", "")
secure_scheme_headers = {"X-FORWARDED-PROTO": "https"}
