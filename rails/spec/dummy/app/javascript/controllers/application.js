import { Application } from "@hotwired/stimulus"
import "p2p" // defines <p2p-frame>

const application = Application.start()
export { application }
