"""Container health check of the web service: GET /healthz from gunicorn inside the container.

Exit 0 when it answers 200. Sends a Host from DJANGO_ALLOWED_HOSTS (127.0.0.1 is not an allowed host in
production); /healthz is exempt from the https redirect (SECURE_REDIRECT_EXEMPT). Standard library only.
"""

import http.client
import os
import sys


def allowed_host() -> str:
    """The first DJANGO_ALLOWED_HOSTS entry as a concrete host name ('.example.tw' -> 'example.tw')."""
    hosts = [h.strip() for h in os.environ.get("DJANGO_ALLOWED_HOSTS", "").split(",") if h.strip()]
    host = hosts[0] if hosts else "localhost"
    return "localhost" if host == "*" else host.lstrip(".")


def main() -> int:
    port = int(os.environ.get("PORTAL_HEALTHCHECK_PORT", "8000"))
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        connection.request("GET", "/healthz", headers={"Host": allowed_host()})
        status = connection.getresponse().status
    except OSError as exc:
        print(f"healthz: {exc}", file=sys.stderr)
        return 1
    if status != 200:
        print(f"healthz: HTTP {status}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
