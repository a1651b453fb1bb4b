/** The message shared by start-up checks and by adapters called without a key. */
export function missingKeyText(provider: string, envNames: readonly string[]): string {
  const envs = envNames.length > 0 ? `${envNames.join(' or ')} or ` : '';
  return `provider ${provider} has no API key: set ${envs}providers.${provider}.api_key`;
}
