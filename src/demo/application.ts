import { Application } from "@hotwired/stimulus"
import ChatController from "./chat_controller.js"

const application = Application.start()
application.register("chat", ChatController)
