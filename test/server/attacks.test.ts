import { describeAttacks } from "../adversarial/attackSuite.js"
import { nodeTargets } from "../adversarial/targets.js"

describeAttacks("Node server", nodeTargets())
