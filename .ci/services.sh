# Sourced by .ci/run (as root on a fresh Debian machine): install PostgreSQL and Chromium, start
# PostgreSQL on loopback with a test database and user, and export PICKUP_NET_TEST_POSTGRES_URL.
# Safe to source again: each step checks what is already there.

_pn_services() {
  local need=()
  command -v pg_ctlcluster >/dev/null 2>&1 || need+=(postgresql)
  command -v chromium >/dev/null 2>&1 || need+=(chromium)
  if [ "${#need[@]}" -gt 0 ]; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
  fi

  local version cluster=main
  version="$(ls /usr/lib/postgresql | sort -V | tail -1)"
  if ! pg_lsclusters -h | awk '{print $1, $2}' | grep -qx "$version $cluster"; then
    pg_createcluster "$version" "$cluster" >/dev/null
  fi
  # Listen on loopback only.
  pg_conftool "$version" "$cluster" set listen_addresses 'localhost' >/dev/null
  if ! pg_lsclusters -h | awk -v v="$version" -v c="$cluster" '$1 == v && $2 == c {print $4}' \
      | grep -qx online; then
    pg_ctlcluster "$version" "$cluster" start
  fi
  local port
  port="$(pg_lsclusters -h | awk -v v="$version" -v c="$cluster" '$1 == v && $2 == c {print $3}')"

  local user=pickup_net password=pickup_net_test database=pickup_net_test
  su postgres -c "psql -p $port -qtAc \"SELECT 1 FROM pg_roles WHERE rolname = '$user'\"" \
    | grep -q 1 \
    || su postgres -c "psql -p $port -qc \"CREATE ROLE $user LOGIN PASSWORD '$password'\""
  su postgres -c "psql -p $port -qtAc \"SELECT 1 FROM pg_database WHERE datname = '$database'\"" \
    | grep -q 1 \
    || su postgres -c "createdb -p $port -O $user $database"

  export PICKUP_NET_TEST_POSTGRES_URL="postgresql://$user:$password@127.0.0.1:$port/$database"
  echo "PICKUP_NET_TEST_POSTGRES_URL=$PICKUP_NET_TEST_POSTGRES_URL"
}

_pn_services
unset -f _pn_services
