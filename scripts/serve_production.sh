#!/usr/bin/env bash
# `make serve`: the demo district served the way production serves Rapport — gunicorn, static
# files from whitenoise, DEBUG off, background jobs on Redis with a worker — on this machine.
# Plain HTTP on 127.0.0.1, so the cookies are not marked Secure and there is no TLS redirect;
# emails are written to files in .local/serve-mail instead of going to a mail server.
set -euo pipefail
cd "$(dirname "$0")/.."
PORT="${PORT:-8000}"
PY=.venv/bin/python

if ! $PY scripts/service_ready.py redis "${REDIS_URL:-redis://127.0.0.1:6379/0}"; then
  echo "make serve needs Redis at ${REDIS_URL:-redis://127.0.0.1:6379/0} for its background worker." >&2
  exit 1
fi

mkdir -p .local/serve-mail
[ -f .local/secret-key ] || { $PY -c "import secrets; print(secrets.token_urlsafe(50))" > .local/secret-key; chmod 600 .local/secret-key; }

export RAPPORT_ENV=production
export SECRET_KEY="$(cat .local/secret-key)"
export RAPPORT_ENCRYPTION_KEYS="${RAPPORT_ENCRYPTION_KEYS:-$(grep -v '^#' .local/encryption-keys | paste -sd, -)}"
export ALLOWED_HOSTS="127.0.0.1,localhost"
export CSRF_TRUSTED_ORIGINS="http://127.0.0.1:${PORT},http://localhost:${PORT}"
export SECURE_SSL_REDIRECT=false BEHIND_TLS_PROXY=false SECURE_COOKIES=false SECURE_HSTS_SECONDS=0
export RAPPORT_TASKS=rq REDIS_URL="${REDIS_URL:-redis://127.0.0.1:6379/0}"
export EMAIL_BACKEND=django.core.mail.backends.filebased.EmailBackend EMAIL_FILE_PATH="$PWD/.local/serve-mail"

$PY manage.py check --deploy --fail-level ERROR
$PY manage.py collectstatic --no-input -v 0

$PY manage.py run_worker &
worker=$!
trap 'kill $worker 2>/dev/null; wait $worker 2>/dev/null' EXIT INT TERM

echo
echo "Rapport (production mode) is at http://127.0.0.1:${PORT}  (Ctrl-C stops it)"
echo "Emails go to .local/serve-mail/; the background worker runs beside gunicorn."
echo
.venv/bin/gunicorn rapport.wsgi:application --bind "127.0.0.1:${PORT}" --workers 3 \
  --access-logfile - --worker-tmp-dir /dev/shm --max-requests 2000 --max-requests-jitter 200
