// rails g p2p_streams_channel:controller NAME registers each new controller here.
import { application } from "controllers/application"
import ChatController from "controllers/chat_controller"
application.register("chat", ChatController)
