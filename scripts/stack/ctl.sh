#!/usr/bin/env bash
# Controls the stack's servers for the fault tests: ctl.sh <command> [args]
#   pg-stop | pg-start | pg-restart | rabbitmq-stop | rabbitmq-start | minio-stop | minio-start
#   vhost-add NAME      create a RabbitMQ vhost for one test stack
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
source "$ROOT/scripts/stack/env.sh"
case "${1:-}" in
  pg-stop) pg_stop ;;
  pg-start) pg_start ;;
  pg-restart) pg_restart ;;
  rabbitmq-stop) rabbitmq_stop ;;
  rabbitmq-start) rabbitmq_start ;;
  rabbitmq-restart) rabbitmq_restart ;;
  minio-stop) minio_stop ;;
  minio-start) minio_start ;;
  gorse-start) gorse_start ;;
  vhost-add) rabbitmq_add_vhost "${2:?vhost name}" ;;
  *) echo "usage: ctl.sh pg-stop|pg-start|pg-restart|rabbitmq-stop|rabbitmq-start|rabbitmq-restart|minio-stop|minio-start|vhost-add NAME" >&2; exit 2 ;;
esac
