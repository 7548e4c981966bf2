'use client';
import { useThemeChoice, type ThemeChoice } from '@/lib/client/theme';

/** System / Light / Dark, remembered in this browser. */
export function ThemeToggle() {
  const [choice, setChoice] = useThemeChoice();
  return (
    <label>
      Theme
      <select aria-label="Theme" value={choice} onChange={(e) => setChoice(e.target.value as ThemeChoice)} data-testid="theme-picker">
        <option value="system">System</option>
        <option value="light">Light</option>
        <option value="dark">Dark</option>
      </select>
    </label>
  );
}
