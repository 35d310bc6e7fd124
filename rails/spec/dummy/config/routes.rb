Rails.application.routes.draw do
  root "rooms#index"
  get "room_chat", to: "rooms#show"
end
