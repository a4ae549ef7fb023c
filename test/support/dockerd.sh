# shellcheck shell=bash
# One shared dockerd for a whole test run. Source this file, then:
#   start_dockerd   # exports SHIP_IMAGE_TEST_DOCKER_HOST (test/support/dockerd.ts reuses it)
#   ...run the tests...
#   stop_dockerd
# As root it runs its own dockerd; otherwise it uses the machine's daemon when that answers
# (GitHub runners). Prints the reason and returns 1 when neither works.

start_dockerd() {
  if [ -n "${SHIP_IMAGE_TEST_DOCKER_HOST:-}" ]; then
    return 0
  fi
  local dockerd_bin
  dockerd_bin="$(command -v dockerd || true)"
  if [ -z "$dockerd_bin" ] && [ -x /usr/sbin/dockerd ]; then
    dockerd_bin=/usr/sbin/dockerd
  fi
  if [ -z "$dockerd_bin" ] || [ "$(id -u)" != 0 ]; then
    local system_host="${DOCKER_HOST:-unix:///var/run/docker.sock}"
    if docker -H "$system_host" version --format '{{.Server.Version}}' >/dev/null 2>&1; then
      export SHIP_IMAGE_TEST_DOCKER_HOST="$system_host"
      echo "start_dockerd: using the running docker daemon at $system_host" >&2
      return 0
    fi
    echo "start_dockerd: cannot start dockerd (needs root and docker.io's dockerd) and no daemon answers" >&2
    return 1
  fi
  # Short path: unix socket paths are limited to ~108 bytes.
  SHIP_IMAGE_TEST_DOCKERD_DIR="$(mktemp -d /tmp/sdk-XXXXXX)" || return 1
  local dir="$SHIP_IMAGE_TEST_DOCKERD_DIR"
  local host="unix://$dir/d.sock"
  "$dockerd_bin" \
    --data-root "$dir/data" \
    --exec-root "$dir/exec" \
    -H "$host" \
    --pidfile "$dir/dockerd.pid" \
    --storage-driver vfs \
    --iptables=false \
    --ip6tables=false \
    --bridge=none \
    --insecure-registry 127.0.0.0/8 \
    --containerd-namespace ship-image-test \
    --containerd-plugins-namespace ship-image-test-plugins \
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
