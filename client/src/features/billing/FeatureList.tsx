import { useTranslation } from 'react-i18next';

/** `audit_log_export` → "Audit log export", for a feature flag the translations do not know yet. */
function readable(flag: string): string {
  const words = flag.replace(/[_-]+/g, ' ').trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** A plan's feature flags, by the names people know them by. */
export function FeatureList({ features }: { features: readonly string[] }) {
  const { t } = useTranslation();
  if (features.length === 0) return <p className="muted">{t('billing:features.none')}</p>;
  return (
    <ul className="billing-features">
      {features.map((flag) => (
        <li key={flag}>{t(`billing:features.names.${flag}`, { defaultValue: readable(flag) })}</li>
      ))}
    </ul>
  );
}
