import { useEffect, useState } from 'react';
import { DiceIcon } from '../icons';
import { MAX_SEED, randomSeed } from './generate-draft';

const PROBLEM = `a whole number from 0 to ${MAX_SEED}`;

interface SeedFieldProps {
  value: number;
  onChange: (seed: number) => void;
  /** Told when the typed text stops or starts being a usable seed. */
  onProblem: (problem: string | null) => void;
  disabled?: boolean;
}

/** The run's seed (whole number 0 … 2³²−1) with a dice button for a new random one. */
export function SeedField({ value, onChange, onProblem, disabled }: SeedFieldProps) {
  const [text, setText] = useState(String(value));
  useEffect(() => setText((current) => (Number(current) === value ? current : String(value))), [value]);
  const parsed = Number(text);
  const valid = text.trim() !== '' && Number.isInteger(parsed) && parsed >= 0 && parsed <= MAX_SEED;
  useEffect(() => onProblem(valid ? null : PROBLEM), [onProblem, valid]);
  return (
    <div className="field">
      <label className="field-label" htmlFor="generate-seed">
        Seed
      </label>
      <div className="seed-row">
        <input
          id="generate-seed"
          type="number"
          min={0}
          max={MAX_SEED}
          step={1}
          value={text}
          aria-invalid={valid ? undefined : true}
          disabled={disabled}
          onChange={(e) => {
            setText(e.target.value);
            const next = Number(e.target.value);
            if (e.target.value.trim() !== '' && Number.isInteger(next) && next >= 0 && next <= MAX_SEED) onChange(next);
          }}
        />
        <button type="button" aria-label="Random seed" title="Random seed" disabled={disabled} onClick={() => onChange(randomSeed())}>
          <DiceIcon />
        </button>
      </div>
      {!valid && <span className="field-problem error">{PROBLEM}</span>}
    </div>
  );
}
