import { useMutation } from '@apollo/client/react';
import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useViewer } from '../../auth/ViewerProvider.tsx';
import { rules, useForm } from '../../forms/useForm.ts';
import { NotificationSendDocument, type AnnouncementRole } from '../../graphql/__generated__/operations.ts';
import { Alert } from '../../ui/Alert.tsx';
import { Button } from '../../ui/Button.tsx';
import { TextAreaField, TextField } from '../../ui/Field.tsx';
import { PageHeader } from '../../ui/PageHeader.tsx';
import { ROLES } from '../members/roles.ts';
import { appPath } from './notifications.ts';
import './notifications.css';

const TITLE_MAX = 200;
const BODY_MAX = 5000;

const INITIAL: { title: string; body: string; link: string; roles: readonly string[]; critical: boolean } = {
  title: '',
  body: '',
  link: '',
  roles: [],
  critical: false,
};

/** An announcement to the organization's members (everyone, or some roles), through each member's channels. */
export default function AnnouncementPage() {
  const { t } = useTranslation();
  const { viewer } = useViewer();
  return (
    <>
      <PageHeader title={t('notifications:announce.title')} description={t('notifications:announce.description', { organization: viewer.organization.name })} />
      <AnnouncementForm />
    </>
  );
}

export function AnnouncementForm() {
  const { t } = useTranslation();
  const id = useId();
  const [send] = useMutation(NotificationSendDocument);
  const [sent, setSent] = useState<number | null>(null);
  const form = useForm({
    initial: INITIAL,
    validate(values) {
      const problems: Partial<Record<keyof typeof INITIAL, string>> = {};
      if (!rules.required(values.title)) problems.title = t('forms:required');
      else if (values.title.trim().length > TITLE_MAX) problems.title = t('forms:tooLong', { count: TITLE_MAX });
      if (!rules.required(values.body)) problems.body = t('forms:required');
      else if (values.body.trim().length > BODY_MAX) problems.body = t('forms:tooLong', { count: BODY_MAX });
      if (values.link.trim() && !appPath(values.link.trim())) problems.link = t('notifications:announce.linkInvalid');
      return problems;
    },
    async submit(values) {
      setSent(null);
      const { data } = await send({
        variables: {
          input: {
            title: values.title.trim(),
            body: values.body.trim(),
            link: values.link.trim() || null,
            roles: values.roles.length > 0 ? (values.roles as AnnouncementRole[]) : null,
            critical: values.critical,
          },
        },
      });
      const payload = data?.notificationSend;
      if (payload && payload.userErrors.length === 0) {
        setSent(payload.recipients ?? 0);
        form.reset();
        form.formProps.ref.current?.querySelector<HTMLInputElement>('[name="title"]')?.focus();
      }
      return payload?.userErrors;
    },
  });
  const rolesError = form.errors.roles ?? null;
  const toggleRole = (role: AnnouncementRole, checked: boolean) =>
    form.setValues((current) => ({ ...current, roles: checked ? [...current.roles, role] : current.roles.filter((candidate) => candidate !== role) }));

  return (
    <section className="card" aria-labelledby={`${id}-heading`}>
      <h2 id={`${id}-heading`}>{t('notifications:announce.formTitle')}</h2>
      {sent !== null && <Alert tone="success">{t('notifications:announce.sent', { count: sent })}</Alert>}
      {form.formError && <Alert>{form.formError}</Alert>}
      <form {...form.formProps}>
        <TextField label={t('notifications:announce.fieldTitle')} required maxLength={TITLE_MAX} autoComplete="off" {...form.field('title')} />
        <TextAreaField
          label={t('notifications:announce.fieldBody')}
          required
          rows={5}
          name="body"
          value={form.values.body}
          error={form.errors.body ?? null}
          onChange={(event) => {
            const body = event.target.value;
            form.setValues((current) => ({ ...current, body }));
          }}
        />
        <TextField
          label={t('notifications:announce.fieldLink')}
          hint={t('notifications:announce.linkHint')}
          autoComplete="off"
          placeholder="/billing"
          {...form.field('link')}
        />
        <fieldset aria-describedby={[rolesError ? `${id}-roles-error` : null, `${id}-roles-hint`].filter(Boolean).join(' ')} aria-invalid={rolesError ? true : undefined}>
          <legend>{t('notifications:announce.fieldRoles')}</legend>
          <p className="field__hint" id={`${id}-roles-hint`}>
            {t('notifications:announce.rolesHint')}
          </p>
          <div className="radio-row">
            {ROLES.map((role) => (
              <label key={role} className="checkbox">
                <input type="checkbox" name="roles" value={role} checked={form.values.roles.includes(role)} onChange={(event) => toggleRole(role, event.target.checked)} />
                <span>{t(`roles:${role}.name`)}</span>
              </label>
            ))}
          </div>
          {rolesError && (
            <p className="field__error" id={`${id}-roles-error`}>
              {rolesError}
            </p>
          )}
        </fieldset>
        <div>
          <label className="checkbox">
            <input
              type="checkbox"
              name="critical"
              aria-describedby={`${id}-critical-hint`}
              checked={form.values.critical}
              onChange={(event) => {
                const critical = event.target.checked;
                form.setValues((current) => ({ ...current, critical }));
              }}
            />
            <span>{t('notifications:announce.fieldCritical')}</span>
          </label>
          <p className="field__hint" id={`${id}-critical-hint`}>
            {t('notifications:announce.criticalHint')}
          </p>
          {form.errors.critical && <p className="field__error">{form.errors.critical}</p>}
        </div>
        <div>
          <Button type="submit" busy={form.submitting}>
            {t('notifications:announce.submit')}
          </Button>
        </div>
      </form>
    </section>
  );
}
