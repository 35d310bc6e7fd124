import { Application } from "@hotwired/stimulus"
import "p2p"
import ChatController from "/javascript/controllers/chat_controller.js"

Application.start().register("chat", ChatController)
