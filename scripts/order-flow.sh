#!/usr/bin/env bash
# Walks the whole order flow against a RUNNING stack (`npm start`, docker compose, or the
# full-stack e2e suite's), over HTTP only, with curl, and exits non-zero on the first answer it
# did not expect:
#   1. register a new customer, log in, browse the catalog, open a cart, add two products,
#      check out with a shipping address → order creada; validate → valid; pay with 4242… →
#      aprobado; the order becomes pagada and its delivery appears (pendiente); an admin moves
#      the delivery en_transito → order enviada, then entregada → order entregada;
#   2. a second order paid with the declined card 4000… → rechazado, the order stays creada
#      (then it is cancelled so that its stock goes back);
#   3. a third order paid, its delivery opened, then cancelled → payment reembolsado, delivery
#      cancelada, order cancelada, the stock back where it was before the order.
#
# Environment (all optional):
#   PRODUCT_URL USER_URL DELIVERY_URL CART_URL ORDER_URL VALIDATION_URL PAYMENT_URL
#       base URLs (default http://localhost:8000, 8001, 8002, 8003, 8005, 8006, 8007)
#   GATEWAY_URL                  e.g. http://localhost:8080: every call goes through the edge
#       gateway instead (overrides the seven above; its /health covers all seven)
#   ADMIN_EMAIL ADMIN_PASSWORD   the initial admin (default: .env, else .env.example)
#   FLOW_TIMEOUT                 seconds each wait for an asynchronous step may take (default 30)
#   FLOW_VERBOSE=1               also print every response body
# Needs bash, curl, and node (JSON; jq is not required).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

if [[ -n ${GATEWAY_URL:-} ]]; then
  GATEWAY_URL="${GATEWAY_URL%/}"
  PRODUCT_URL=$GATEWAY_URL USER_URL=$GATEWAY_URL DELIVERY_URL=$GATEWAY_URL CART_URL=$GATEWAY_URL
  ORDER_URL=$GATEWAY_URL VALIDATION_URL=$GATEWAY_URL PAYMENT_URL=$GATEWAY_URL
fi
PRODUCT_URL="${PRODUCT_URL:-http://localhost:8000}"
USER_URL="${USER_URL:-http://localhost:8001}"
DELIVERY_URL="${DELIVERY_URL:-http://localhost:8002}"
CART_URL="${CART_URL:-http://localhost:8003}"
ORDER_URL="${ORDER_URL:-http://localhost:8005}"
VALIDATION_URL="${VALIDATION_URL:-http://localhost:8006}"
PAYMENT_URL="${PAYMENT_URL:-http://localhost:8007}"
FLOW_TIMEOUT="${FLOW_TIMEOUT:-30}"
FLOW_VERBOSE="${FLOW_VERBOSE:-0}"

# The admin as `npm start` creates it: the shell, else .env, else .env.example.
env_default() {
  local name=$1 file value
  for file in "$ROOT/.env" "$ROOT/.env.example"; do
    [[ -f $file ]] || continue
    value=$(sed -n "s/^${name}=//p" "$file" | tail -n 1)
    if [[ -n $value ]]; then
      printf '%s' "$value"
      return
    fi
  done
}
ADMIN_EMAIL="${ADMIN_EMAIL:-$(env_default ADMIN_EMAIL)}"
ADMIN_EMAIL="${ADMIN_EMAIL:-admin@example.com}"
ADMIN_PASSWORD="${ADMIN_PASSWORD:-$(env_default ADMIN_PASSWORD)}"
ADMIN_PASSWORD="${ADMIN_PASSWORD:-change-me-admin-password}"

for tool in curl node; do
  command -v "$tool" >/dev/null 2>&1 || {
    echo "order-flow: $tool is required" >&2
    exit 2
  }
done

TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
STARTED=$SECONDS

if [[ -t 1 && -z ${NO_COLOR:-} ]]; then
  BOLD=$'\e[1m' RED=$'\e[31m' GREEN=$'\e[32m' DIM=$'\e[2m' RESET=$'\e[0m'
else
  BOLD='' RED='' GREEN='' DIM='' RESET=''
fi

section() { printf '\n%s== %s%s\n' "$BOLD" "$*" "$RESET"; }
info() { printf '   %s\n' "$*"; }
fail() {
  printf '\n%sFAILED: %s%s\n' "$RED" "$*" "$RESET" >&2
  if [[ -n ${LAST_REQUEST:-} ]]; then
    printf '   last request: %s -> %s\n   body: %s\n' "$LAST_REQUEST" "${STATUS:-}" "$(printf '%s' "${BODY:-}" | head -c 2000)" >&2
  fi
  exit 1
}

# json <expression> [<expression>...]: reads a JSON document on stdin and prints one line per
# expression, each a JavaScript expression over `d` (the document); objects and arrays as JSON.
json() {
  node -e '
    let input = "";
    process.stdin.on("data", (c) => (input += c));
    process.stdin.on("end", () => {
      let d;
      try { d = JSON.parse(input); } catch { console.error("not JSON: " + input.slice(0, 300)); process.exit(3); }
      for (const expr of process.argv.slice(1)) {
        let v;
        try { v = new Function("d", `return (${expr});`)(d); } catch (e) { v = undefined; }
        console.log(v === undefined || v === null ? "" : typeof v === "object" ? JSON.stringify(v) : String(v));
      }
    });
  ' "$@"
}
# field <expression>: one value of the last response body.
field() { printf '%s' "$BODY" | json "$1"; }

# req <METHOD> <URL> [<json body>] [<bearer token>]: sets STATUS and BODY; never fails by itself.
req() {
  local method=$1 url=$2 data=${3:-} token=${4:-}
  local args=(-sS -o "$TMP/body" -w '%{http_code}' -X "$method" --max-time 30
    -H 'Accept: application/json, application/problem+json'
    -H "X-Request-Id: order-flow-$$-$RANDOM")
  [[ -n $token ]] && args+=(-H "Authorization: Bearer $token")
  [[ -n $data ]] && args+=(-H 'Content-Type: application/json' --data "$data")
  LAST_REQUEST="$method $url"
  STATUS=$(curl "${args[@]}" "$url" 2>"$TMP/curl-error") || STATUS=000
  BODY=$(cat "$TMP/body" 2>/dev/null || true)
  if [[ $STATUS == 000 ]]; then
    BODY="(no answer: $(cat "$TMP/curl-error"))"
  fi
  if [[ $FLOW_VERBOSE == 1 ]]; then printf '   %s%s%s\n' "$DIM" "$(printf '%s' "$BODY" | head -c 1000)" "$RESET"; fi
}

# call <expected status> <METHOD> <URL> [body] [token] [-- <summary expression>...]: one step,
# printed as `METHOD path -> status  summary`; any other status ends the run.
call() {
  local expected=$1 method=$2 url=$3 data=${4:-} token=${5:-}
  shift 5 || shift $#
  [[ ${1:-} == -- ]] && shift
  req "$method" "$url" "$data" "$token"
  local path=${url#*://*/}
  local summary=''
  if [[ $# -gt 0 && $STATUS != 000 ]]; then
    summary=$(printf '%s' "$BODY" | json "$@" 2>/dev/null | paste -sd ' ' -) || summary=''
  fi
  printf '   %-6s /%-58s -> %s  %s\n' "$method" "$path" "$STATUS" "$summary"
  [[ $STATUS == "$expected" ]] || fail "$method /$path answered $STATUS, expected $expected"
}

# expect_eq <what> <actual> <expected>
expect_eq() {
  [[ $2 == "$3" ]] || fail "$1: got '$2', expected '$3'"
}

# wait_for <what> <expected> <command...>: runs the command (which prints a value) until it
# prints <expected>, at most FLOW_TIMEOUT seconds, backing off from 0.2 s to 1 s.
wait_for() {
  local what=$1 expected=$2
  shift 2
  local deadline=$((SECONDS + FLOW_TIMEOUT)) delay=0.2 value='' started=$SECONDS
  while :; do
    value=$("$@") || value=''
    if [[ $value == "$expected" ]]; then
      info "${GREEN}✓${RESET} $what: $value (after $((SECONDS - started)) s)"
      return 0
    fi
    ((SECONDS < deadline)) || fail "$what: still '$value' after ${FLOW_TIMEOUT} s, expected '$expected'"
    sleep "$delay"
    case $delay in 0.2) delay=0.5 ;; 0.5) delay=1 ;; esac
  done
}

# Probes used by wait_for (each prints one value).
order_status() {
  req GET "$ORDER_URL/api/v1/orders/$1" '' "$TOKEN"
  [[ $STATUS == 200 ]] && field 'd.status'
}
delivery_of() { # <order id>: "<status> <id> <tracking>" of the order's only delivery, or "none"
  req GET "$DELIVERY_URL/api/v1/deliveries?order_id=$1" '' "$TOKEN"
  [[ $STATUS == 200 ]] || return 0
  printf '%s' "$BODY" | json 'd.total === 0 ? "none" : d.total === 1 ? "present" : "several:" + d.total'
}
delivery_status() {
  req GET "$DELIVERY_URL/api/v1/deliveries/$1" '' "$TOKEN"
  [[ $STATUS == 200 ]] && field 'd.status'
}
payment_status() {
  req GET "$PAYMENT_URL/api/v1/payments/$1" '' "$TOKEN"
  [[ $STATUS == 200 ]] && field 'd.status'
}
order_has_event() { # <order id> <event type>: yes / no
  req GET "$ORDER_URL/api/v1/orders/$1/events" '' "$TOKEN"
  [[ $STATUS == 200 ]] && field "d.some((e) => e.type === '$2') ? 'yes' : 'no'"
}
stock_of() { # <product id>...: their stock_quantity, space-separated
  local id out=()
  for id in "$@"; do
    req GET "$PRODUCT_URL/api/v1/products/$id"
    [[ $STATUS == 200 ]] || return 0
    out+=("$(field 'd.stock_quantity')")
  done
  printf '%s' "${out[*]}"
}

ADDRESS='{"street":"Calle Mayor 1","city":"Madrid","postal_code":"28013","country":"ES"}'
EXP_YEAR=$(($(date -u +%Y) + 3))
card() { printf '{"number":"%s","exp_month":12,"exp_year":%s,"cvc":"123"}' "$1" "$EXP_YEAR"; }

# place_order <label> <quantity of product 1> <quantity of product 2>: cart → checkout; sets
# ORDER_ID and ORDER_TOTAL.
place_order() {
  local label=$1 q1=$2 q2=$3
  call 201 POST "$CART_URL/api/v1/carts" '' "$TOKEN" -- '"cart " + d.id' 'd.status'
  local cart
  cart=$(field 'd.id')
  call 200 POST "$CART_URL/api/v1/carts/$cart/items" "{\"product_id\":\"$P1\",\"quantity\":$q1}" "$TOKEN" -- '"items " + d.items.length' '"total " + d.total'
  call 200 POST "$CART_URL/api/v1/carts/$cart/items" "{\"product_id\":\"$P2\",\"quantity\":$q2}" "$TOKEN" -- '"items " + d.items.length' '"total " + d.total'
  local cart_total
  cart_total=$(field 'd.total')
  expect_eq "$label: cart lines" "$(field 'd.items.length')" 2
  call 201 POST "$CART_URL/api/v1/carts/$cart/checkout" "{\"shipping_address\":$ADDRESS}" "$TOKEN" -- '"order " + d.id' 'd.status' '"total " + d.total'
  ORDER_ID=$(field 'd.id')
  ORDER_TOTAL=$(field 'd.total')
  expect_eq "$label: order status" "$(field 'd.status')" creada
  expect_eq "$label: order total = cart total" "$ORDER_TOTAL" "$cart_total"
  # the total, recomputed in integer cents from the lines
  expect_eq "$label: order total = Σ price × quantity" "$(field 'd.items.reduce((s, l) => s + Math.round(l.price * 100) * l.quantity, 0) === Math.round(d.total * 100)')" true
}

# pay <card number> <expected status code> <expected payment status>: sets PAYMENT_ID.
pay() {
  call "$2" POST "$PAYMENT_URL/api/v1/payments/process" \
    "{\"order_id\":\"$ORDER_ID\",\"amount\":$ORDER_TOTAL,\"payment_method\":\"credit_card\",\"card\":$(card "$1")}" "$TOKEN" \
    -- '"payment " + d.id' 'd.status' '"card …" + d.card_last4' 'd.failure_reason ? "(" + d.failure_reason + ")" : ""'
  PAYMENT_ID=$(field 'd.id')
  expect_eq "payment status" "$(field 'd.status')" "$3"
  expect_eq "card number or CVC in the answer" "$(field "'number' in d || 'cvc' in d || JSON.stringify(d).includes('$1')")" false
}

# wait_for_delivery <order id>: waits for the order's delivery (created through the outbox) and
# sets DELIVERY_ID and TRACKING.
wait_for_delivery() {
  wait_for "delivery of order ${1:0:8}… exists" present delivery_of "$1"
  req GET "$DELIVERY_URL/api/v1/deliveries?order_id=$1" '' "$TOKEN"
  DELIVERY_ID=$(field 'd.items[0].id')
  TRACKING=$(field 'd.items[0].tracking_number')
  info "delivery $DELIVERY_ID, tracking $TRACKING, status $(field 'd.items[0].status'), carrier $(field 'd.items[0].carrier')"
}

printf '%sorder-flow%s against product %s, user %s, cart %s, order %s, validation %s, payment %s, delivery %s\n' \
  "$BOLD" "$RESET" "$PRODUCT_URL" "$USER_URL" "$CART_URL" "$ORDER_URL" "$VALIDATION_URL" "$PAYMENT_URL" "$DELIVERY_URL"

section "0. the services answer"
for pair in "product $PRODUCT_URL" "user $USER_URL" "delivery $DELIVERY_URL" "cart $CART_URL" \
  "order $ORDER_URL" "order-validation $VALIDATION_URL" "payment $PAYMENT_URL"; do
  set -- $pair
  req GET "$2/health"
  [[ $STATUS == 200 ]] || fail "$1 is not healthy at $2/health ($STATUS). Is the stack running (npm start)?"
done
info "7 services healthy"

section "1. customer: register, log in, browse, cart, checkout, validate, pay, ship, deliver"
EMAIL="flow-$(date +%s)-$$-$RANDOM@example.com"
PASSWORD="Flow-pass-$RANDOM-$RANDOM"
call 201 POST "$USER_URL/api/v1/users" "{\"name\":\"Order Flow\",\"email\":\"$EMAIL\",\"password\":\"$PASSWORD\"}" '' -- '"user " + d.id' 'd.email' 'd.role'
USER_ID=$(field 'd.id')
expect_eq "new user's role" "$(field 'd.role')" customer
expect_eq "password returned" "$(field '"password" in d')" false
call 200 POST "$USER_URL/api/v1/auth/login" "{\"email\":\"$EMAIL\",\"password\":\"$PASSWORD\"}" '' -- 'd.token_type' '"expires_in " + d.expires_in'
TOKEN=$(field 'd.access_token')
[[ -n $TOKEN ]] || fail "login answered no access_token"
call 200 GET "$USER_URL/api/v1/auth/me" '' "$TOKEN" -- 'd.email'
expect_eq "auth/me id" "$(field 'd.id')" "$USER_ID"

call 200 GET "$PRODUCT_URL/api/v1/products?limit=100" '' '' -- '"total " + d.total' '"page " + d.items.length'
# the two products with the most stock (the run sells a few units of each)
read -r P1 P2 < <(field 'd.items.filter((p) => p.stock_quantity >= 5).sort((a, b) => b.stock_quantity - a.stock_quantity || (a.id < b.id ? -1 : 1)).slice(0, 2).map((p) => p.id).join(" ")')
[[ -n ${P1:-} && -n ${P2:-} ]] || fail "the catalog needs two products with at least 5 in stock (seed it: npm run seed)"
call 200 GET "$PRODUCT_URL/api/v1/products/$P1" '' '' -- 'd.name' '"price " + d.price' '"stock " + d.stock_quantity'
call 200 GET "$PRODUCT_URL/api/v1/products/$P2" '' '' -- 'd.name' '"price " + d.price' '"stock " + d.stock_quantity'

place_order "order 1" 2 1
ORDER1=$ORDER_ID
call 200 POST "$VALIDATION_URL/api/v1/validations/validate" "{\"order_id\":\"$ORDER1\"}" "$TOKEN" -- '"valid " + d.valid' '"errors " + JSON.stringify(d.errors)'
expect_eq "validation of order 1" "$(field 'd.valid')" true
call 200 GET "$VALIDATION_URL/api/v1/validations/$ORDER1" '' "$TOKEN" -- '"valid " + d.valid'

pay 4242424242424242 201 aprobado
PAYMENT1=$PAYMENT_ID
wait_for "order 1 paid" pagada order_status "$ORDER1"
wait_for_delivery "$ORDER1"
DELIVERY1=$DELIVERY_ID
expect_eq "delivery 1 status" "$(delivery_status "$DELIVERY1")" pendiente

call 200 POST "$USER_URL/api/v1/auth/login" "{\"email\":\"$ADMIN_EMAIL\",\"password\":\"$ADMIN_PASSWORD\"}" '' -- '"admin " + d.token_type'
ADMIN_TOKEN=$(field 'd.access_token')
call 200 PATCH "$DELIVERY_URL/api/v1/deliveries/$DELIVERY1/status" '{"status":"en_transito"}' "$ADMIN_TOKEN" -- 'd.status'
wait_for "order 1 shipped" enviada order_status "$ORDER1"
call 200 GET "$DELIVERY_URL/api/v1/deliveries/track/$TRACKING" '' '' -- 'd.status' 'd.carrier' 'd.destination.city'
call 200 PATCH "$DELIVERY_URL/api/v1/deliveries/$DELIVERY1/status" '{"status":"entregada"}' "$ADMIN_TOKEN" -- 'd.status'
wait_for "order 1 delivered" entregada order_status "$ORDER1"
call 200 GET "$ORDER_URL/api/v1/orders/$ORDER1/events" '' "$TOKEN" -- 'd.map((e) => e.type).join(",")'
expect_eq "order 1 history" "$(field 'd.map((e) => e.type).filter((t) => t !== "validated").join(",")')" created,paid,shipped,delivered
expect_eq "order 1 deliveries" "$(delivery_of "$ORDER1")" present

section "2. declined card: payment rechazado, the order stays creada"
place_order "order 2" 1 1
ORDER2=$ORDER_ID
STOCK2=$(stock_of "$P1" "$P2")
pay 4000000000000002 201 rechazado
PAYMENT2=$PAYMENT_ID
expect_eq "order 2 after the declined card" "$(order_status "$ORDER2")" creada
call 200 GET "$PAYMENT_URL/api/v1/payments?order_id=$ORDER2" '' "$TOKEN" -- '"payments " + d.total' 'd.items.map((p) => p.status).join(",")'
expect_eq "order 2 payments" "$(field 'd.items.map((p) => p.status).join(",")')" rechazado
expect_eq "order 2 deliveries" "$(delivery_of "$ORDER2")" none
info "order 2 is cancelled now so that its reserved stock goes back"
call 200 POST "$ORDER_URL/api/v1/orders/$ORDER2/cancel" '' "$TOKEN" -- 'd.status'
wait_for "stock after order 2's cancel (was $STOCK2 with it reserved)" "$(read -r a b <<<"$STOCK2" && echo "$((a + 1)) $((b + 1))")" stock_of "$P1" "$P2"

section "3. a paid order cancelled: refund, delivery cancelled, stock back"
STOCK3=$(stock_of "$P1" "$P2")
info "stock before order 3: $STOCK3"
place_order "order 3" 1 2
ORDER3=$ORDER_ID
pay 4242424242424242 201 aprobado
PAYMENT3=$PAYMENT_ID
wait_for "order 3 paid" pagada order_status "$ORDER3"
wait_for_delivery "$ORDER3"
DELIVERY3=$DELIVERY_ID
call 200 POST "$ORDER_URL/api/v1/orders/$ORDER3/cancel" '' "$TOKEN" -- 'd.status'
expect_eq "order 3 after cancel" "$(field 'd.status')" cancelada
wait_for "payment 3 refunded" reembolsado payment_status "$PAYMENT3"
wait_for "delivery 3 cancelled" cancelada delivery_status "$DELIVERY3"
wait_for "stock back to where it was before order 3" "$STOCK3" stock_of "$P1" "$P2"
wait_for "order 3 history has its refund" yes order_has_event "$ORDER3" refunded
call 200 GET "$ORDER_URL/api/v1/orders/$ORDER3/events" '' "$TOKEN" -- 'd.map((e) => e.type).join(",")'
expect_eq "order 3 status" "$(order_status "$ORDER3")" cancelada

section "final states"
summary() {
  printf '   %-8s order %s %-10s payment %-12s delivery %-10s %s\n' "$1" "$2" "$(order_status "$2")" "$(payment_status "$3")" \
    "$(if [[ -n $4 ]]; then delivery_status "$4"; else echo "-"; fi)" "${5:-}"
}
summary "order 1" "$ORDER1" "$PAYMENT1" "$DELIVERY1"
summary "order 2" "$ORDER2" "$PAYMENT2" "" "(stayed creada after the decline; cancelled to free its stock)"
summary "order 3" "$ORDER3" "$PAYMENT3" "$DELIVERY3"
info "stock of the two products: $(stock_of "$P1" "$P2")"
printf '\n%sorder-flow passed%s in %s s\n' "$GREEN" "$RESET" "$((SECONDS - STARTED))"
