# Production image: gunicorn web, Celery worker and beat share it (docker-compose.yml).
FROM python:3.11-slim-bookworm

# WeasyPrint needs Pango; Traditional Chinese PDFs need the Noto CJK fonts, and libharfbuzz-subset0 keeps
# font subsetting fast (without it a CJK page takes 10+ s). gettext compiles the translations.
RUN apt-get update \
 && apt-get install -y --no-install-recommends \
      libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-noto-cjk gettext \
 && rm -rf /var/lib/apt/lists/*

# PORTAL_RELEASE names the build (e.g. the git commit); it keys the cached API schema.
ARG PORTAL_RELEASE=""
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 \
    DJANGO_DEBUG=false PORTAL_VAR_DIR=/var/lib/portal PORTAL_RELEASE=${PORTAL_RELEASE}

WORKDIR /app
COPY pyproject.toml constraints.txt ./
RUN pip install --no-cache-dir --upgrade pip \
 && python -c "import tomllib; print('\n'.join(tomllib.load(open('pyproject.toml','rb'))['project']['dependencies']))" > /tmp/requirements.txt \
 && pip install --no-cache-dir -c constraints.txt -r /tmp/requirements.txt
COPY . .
RUN useradd --system --home /app --uid 10001 portal \
 && mkdir -p /var/lib/portal && chown portal /var/lib/portal \
 && DJANGO_SECRET_KEY=build-only python manage.py compilemessages --ignore=.venv -v0 \
 && DJANGO_SECRET_KEY=build-only python manage.py collectstatic --noinput -v0
USER portal
EXPOSE 8000
# Reached only through the reverse proxy (docker/nginx.conf); forwarded headers trusted from PORTAL_TRUSTED_PROXIES.
CMD ["gunicorn", "platform_site.wsgi:application", "--config", "docker/gunicorn.conf.py"]
