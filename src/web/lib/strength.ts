// Password strength, computed in the browser. zxcvbn and its dictionaries are large,
// so they load on first use; until then a simple local estimate answers.

export type Strength = 'weak' | 'fair' | 'good' | 'strong';
export type Estimator = (password: string, userInputs: string[]) => Strength;

/** The server refuses passwords shorter than this (ACC-2 policy). */
export const MIN_PASSWORD_LENGTH = 10;

const LEVELS: Strength[] = ['weak', 'weak', 'fair', 'good', 'strong'];

/** A rough estimate from length and character classes, used until zxcvbn has loaded. */
export const simpleEstimate: Estimator = (password) => {
  const length = [...password].length;
  if (length < MIN_PASSWORD_LENGTH) return 'weak';
  const classes = [/[a-z]/, /[A-Z]/, /[0-9]/, /[^A-Za-z0-9]/].filter((r) => r.test(password)).length;
  const score = (length >= 14 ? 2 : 1) + (classes >= 3 ? 1 : 0) + (length >= 18 ? 1 : 0);
  return LEVELS[Math.min(score, 4)] ?? 'weak';
};

let loading: Promise<Estimator> | undefined;

export function loadEstimator(): Promise<Estimator> {
  loading ??= Promise.all([import('@zxcvbn-ts/core'), import('@zxcvbn-ts/language-common')]).then(([core, common]) => {
    const zxcvbn = new core.ZxcvbnFactory({
      dictionary: { ...common.dictionary },
      graphs: common.adjacencyGraphs,
    });
    return (password: string, userInputs: string[]) => {
      if ([...password].length < MIN_PASSWORD_LENGTH) return 'weak';
      const { score } = zxcvbn.check(password.slice(0, 100), userInputs.filter(Boolean));
      return LEVELS[score] ?? 'weak';
    };
  });
  loading.catch(() => {
    loading = undefined;
  });
  return loading;
}
