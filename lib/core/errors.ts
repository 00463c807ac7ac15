/** A bad parameter or input: the message names the parameter and the value. The CLI prints it as one line. */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}
