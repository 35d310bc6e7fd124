import { describeBadInput } from "../adversarial/badInputSuite.js"
import { nodeTargets } from "../adversarial/targets.js"

describeBadInput("Node server", nodeTargets())
