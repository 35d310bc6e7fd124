/** A usage or configuration error: the CLI prints its message and exits with status 2. */
export class CliError extends Error {
  override readonly name = "CliError"
}
