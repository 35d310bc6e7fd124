# The gem's dummy app, as the seed's: a name form at /, the chat at /room_chat?name=…, the cable at /cable.
# Run it with `npm run rails:demo -- --port PORT` (puma on 127.0.0.1).
require_relative "config/environment"
run Rails.application
