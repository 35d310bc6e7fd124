import { describeOfficialClientRefusals } from "../adversarial/officialClientSuite.js"
import { nodeTargets } from "../adversarial/targets.js"

describeOfficialClientRefusals("Node server", nodeTargets())
