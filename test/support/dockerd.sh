# shellcheck shell=bash
# One shared dockerd for a whole test run. Source this file, then:
#   start_dockerd   # exports SHIP_IMAGE_TEST_DOCKER_HOST (test/support/dockerd.ts reuses it)
#   ...run the tests...
#   stop_dockerd
# Needs root and Debian's dockerd; prints the reason and returns 1 when it cannot start.

start_dockerd() {
  if [ -n "${SHIP_IMAGE_TEST_DOCKER_HOST:-}" ]; then
    return 0
  fi
  if [ ! -x /usr/sbin/dockerd ]; then
    echo "start_dockerd: /usr/sbin/dockerd is not installed (apt-get install docker.io)" >&2
    return 1
  fi
  if [ "$(id -u)" != 0 ]; then
    echo "start_dockerd: dockerd needs root" >&2
    return 1
  fi
  # Short path: unix socket paths are limited to ~108 bytes.
  SHIP_IMAGE_TEST_DOCKERD_DIR="$(mktemp -d /tmp/sdk-XXXXXX)" || return 1
  local dir="$SHIP_IMAGE_TEST_DOCKERD_DIR"
  local host="unix://$dir/d.sock"
  /usr/sbin/dockerd \
    --data-root "$dir/data" \
    --exec-root "$dir/exec" \
    -H "$host" \
    --pidfile "$dir/dockerd.pid" \
    --storage-driver vfs \
    --iptables=false \
    --ip6tables=false \
    --bridge=none \
    --insecure-registry 127.0.0.0/8 \
    >"$dir/dockerd.log" 2>&1 &
  echo $! >"$dir/launcher.pid"

  local i
  for i in $(seq 1 300); do
    if docker -H "$host" version --format '{{.Server.Version}}' >/dev/null 2>&1; then
      export SHIP_IMAGE_TEST_DOCKER_HOST="$host"
      export SHIP_IMAGE_TEST_DOCKERD_DIR
      echo "start_dockerd: dockerd answering at $host" >&2
      return 0
    fi
    if ! kill -0 "$(cat "$dir/launcher.pid")" 2>/dev/null; then
      break
    fi
    sleep 0.2
  done
  echo "start_dockerd: dockerd did not start; log tail:" >&2
  tail -n 30 "$dir/dockerd.log" >&2
  stop_dockerd
  return 1
}

stop_dockerd() {
  local dir="${SHIP_IMAGE_TEST_DOCKERD_DIR:-}"
  [ -n "$dir" ] && [ -d "$dir" ] || return 0
  local pid containerd_pid i
  pid="$(cat "$dir/launcher.pid" 2>/dev/null)"
  containerd_pid="$(cat "$dir/exec/containerd/containerd.pid" 2>/dev/null)"
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid"
    for i in $(seq 1 100); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.2
    done
    kill -0 "$pid" 2>/dev/null && kill -KILL "$pid"
  fi
  if [ -n "$containerd_pid" ] && kill -0 "$containerd_pid" 2>/dev/null; then
    kill -TERM "$containerd_pid"
    sleep 1
    kill -0 "$containerd_pid" 2>/dev/null && kill -KILL "$containerd_pid"
  fi
  rm -rf "$dir"
  unset SHIP_IMAGE_TEST_DOCKER_HOST SHIP_IMAGE_TEST_DOCKERD_DIR
}
