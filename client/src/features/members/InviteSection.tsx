import { useMutation } from '@apollo/client/react';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useViewer } from '../../auth/ViewerProvider.tsx';
import { rules, useForm } from '../../forms/useForm.ts';
import { InvitationCreateDocument, InvitationsDocument, type Role } from '../../graphql/__generated__/operations.ts';
import { Alert } from '../../ui/Alert.tsx';
import { Button } from '../../ui/Button.tsx';
import { SelectField, TextField } from '../../ui/Field.tsx';
import { assignableRoles } from './roles.ts';

const INITIAL = { email: '', role: 'MEMBER' };

export function InviteSection() {
  const { t } = useTranslation();
  const { viewer } = useViewer();
  const [invite] = useMutation(InvitationCreateDocument);
  const [sentTo, setSentTo] = useState<string | null>(null);
  const form = useForm({
    initial: INITIAL,
    validate: (values) => (!rules.email(values.email) ? { email: t('forms:email') } : {}),
    async submit(values) {
      setSentTo(null);
      const email = values.email.trim();
      const { data } = await invite({
        variables: { input: { email, role: values.role as Role } },
        // The server revokes an earlier pending invitation to the same address, so the list is read again.
        refetchQueries: [InvitationsDocument],
        awaitRefetchQueries: true,
      });
      const payload = data?.invitationCreate;
      if (payload?.invitation) {
        setSentTo(payload.invitation.email);
        form.reset();
        // Ready for the next person; the confirmation is announced from its live region.
        form.formProps.ref.current?.querySelector<HTMLInputElement>('[name="email"]')?.focus();
      }
      return payload?.userErrors;
    },
  });
  const roles = assignableRoles(viewer.role);
  return (
    <section className="card" aria-labelledby="members-invite">
      <h2 id="members-invite">{t('members:invite.title')}</h2>
      <p className="muted">{t('members:invite.intro', { organization: viewer.organization.name })}</p>
      {sentTo && <Alert tone="success">{t('members:invite.sent', { email: sentTo })}</Alert>}
      {form.formError && <Alert>{form.formError}</Alert>}
      <form {...form.formProps} className="invite-form">
        <TextField label={t('members:invite.email')} type="email" autoComplete="off" required {...form.field('email')} />
        <SelectField
          label={t('members:invite.role')}
          hint={t(`roles:${form.values.role}.description`)}
          name="role"
          value={form.values.role}
          error={form.errors.role ?? null}
          onChange={(event) => {
            const role = event.target.value;
            form.setValues((current) => ({ ...current, role }));
          }}
        >
          {roles.map((role) => (
            <option key={role} value={role}>
              {t(`roles:${role}.name`)}
            </option>
          ))}
        </SelectField>
        <div>
          <Button type="submit" busy={form.submitting}>
            {t('members:invite.submit')}
          </Button>
        </div>
      </form>
    </section>
  );
}
