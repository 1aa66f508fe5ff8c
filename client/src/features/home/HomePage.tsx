import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { useViewer } from '../../auth/ViewerProvider.tsx';
import { APP_PAGES } from '../../app/pages.ts';
import { useFormat } from '../../i18n/format.ts';
import { PageHeader } from '../../ui/PageHeader.tsx';

export default function HomePage() {
  const { t } = useTranslation();
  const { viewer, can } = useViewer();
  const format = useFormat();
  const membership = viewer.memberships.find((candidate) => candidate.organization.id === viewer.organization.id);
  const shortcuts = APP_PAGES.filter((page) => page.path !== '' && !page.hidden && (!page.permission || can(page.permission)));
  return (
    <>
      <PageHeader title={t('home:title', { name: viewer.user?.name ?? '' })} description={t('home:description', { organization: viewer.organization.name })} />
      <section className="card" aria-labelledby="home-organization">
        <h2 id="home-organization">{viewer.organization.name}</h2>
        <dl className="facts">
          <div>
            <dt>{t('home:role')}</dt>
            <dd>{t(`roles:${viewer.role ?? 'MEMBER'}.name`)}</dd>
          </div>
          {membership && (
            <div>
              <dt>{t('home:memberSince')}</dt>
              <dd>{format.date(membership.joinedAt)}</dd>
            </div>
          )}
          <div>
            <dt>{t('home:permissions')}</dt>
            <dd>{format.number(viewer.permissions.length)}</dd>
          </div>
        </dl>
      </section>
      <section className="card" aria-labelledby="home-shortcuts">
        <h2 id="home-shortcuts">{t('home:shortcuts')}</h2>
        <ul className="shortcut-list">
          {shortcuts.map((page) => {
            const entry = (
              <li key={page.path}>
                <Link to={`/${page.path}`}>{t(`nav:${page.label}`)}</Link>
                <span>{t(`home:about.${page.label}`)}</span>
              </li>
            );
            const Gate = page.menuGate;
            return Gate ? <Gate key={page.path}>{entry}</Gate> : entry;
          })}
        </ul>
      </section>
    </>
  );
}
