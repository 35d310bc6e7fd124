// Loaded by p2p_javascript_tags: starts Stimulus with every controller in controllers/index.js.
import "controllers"
