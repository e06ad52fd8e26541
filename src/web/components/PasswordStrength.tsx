import { Box, Progress, Text } from '@mantine/core';
import { useEffect, useMemo, useState } from 'react';
import { type Estimator, type Strength, loadEstimator, simpleEstimate } from '../lib/strength.ts';

const LOOK: Record<Strength, { value: number; color: string }> = {
  weak: { value: 20, color: 'red' },
  fair: { value: 50, color: 'orange' },
  good: { value: 75, color: 'teal' },
  strong: { value: 100, color: 'green' },
};

/** "Strength: weak/fair/good/strong" under a new-password input, announced politely as it changes. */
export function PasswordStrength({ password, userInputs = [], id }: { password: string; userInputs?: string[]; id?: string }) {
  const [estimate, setEstimate] = useState<Estimator>(() => simpleEstimate);

  // zxcvbn's dictionaries are large: fetch them once someone starts typing a password.
  const typing = password.length > 0;
  useEffect(() => {
    if (!typing) return;
    let live = true;
    loadEstimator()
      .then((fn) => {
        if (live) setEstimate(() => fn);
      })
      .catch(() => undefined);
    return () => {
      live = false;
    };
  }, [typing]);

  const inputsKey = userInputs.join('\n');
  const strength = useMemo(() => (password ? estimate(password, inputsKey.split('\n')) : null), [password, estimate, inputsKey]);

  return (
    <Box id={id} aria-live="polite" mt={6}>
      {strength && (
        <>
          <Progress value={LOOK[strength].value} color={LOOK[strength].color} size="sm" aria-hidden="true" />
          <Text size="sm" mt={4} c="dimmed">
            {`Strength: ${strength}`}
          </Text>
        </>
      )}
    </Box>
  );
}
