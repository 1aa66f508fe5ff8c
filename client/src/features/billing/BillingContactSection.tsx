import { useMutation } from '@apollo/client/react';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { rules, useForm } from '../../forms/useForm.ts';
import { BillingCustomerUpdateDocument, type BillingCustomerFieldsFragment } from '../../graphql/__generated__/operations.ts';
import { Alert } from '../../ui/Alert.tsx';
import { Button } from '../../ui/Button.tsx';
import { TextField } from '../../ui/Field.tsx';
import { billingErrorText } from './billing.ts';
import { useMoney } from './money.ts';
import { useBillingRefresh } from './useBillingRefresh.ts';

const NAME_MAX = 200;

/** Who invoices are addressed to: the email that receives them and the name printed on them. */
export function BillingContactSection({ customer, canManage }: { customer: BillingCustomerFieldsFragment; canManage: boolean }) {
  const { t } = useTranslation();
  const { money } = useMoney();
  return (
    <section className="card" aria-labelledby="billing-contact">
      <h2 id="billing-contact">{t('billing:contact.title')}</h2>
      <p className="muted">{t('billing:contact.intro')}</p>
      {customer.currency && (
        <dl className="facts billing-facts">
          <div>
            <dt>{t('billing:contact.currency')}</dt>
            <dd>{customer.currency}</dd>
          </div>
          {customer.creditBalance > 0 && (
            <div>
              <dt>{t('billing:contact.credit')}</dt>
              <dd>
                {money(customer.creditBalance, customer.currency)}
                <span className="billing-facts__note">{t('billing:contact.creditHint')}</span>
              </dd>
            </div>
          )}
        </dl>
      )}
      {canManage ? (
        <ContactForm customer={customer} />
      ) : (
        <dl className="facts billing-facts">
          <div>
            <dt>{t('billing:contact.email')}</dt>
            <dd>{customer.email ?? t('common:none')}</dd>
          </div>
          <div>
            <dt>{t('billing:contact.name')}</dt>
            <dd>{customer.name ?? t('common:none')}</dd>
          </div>
        </dl>
      )}
    </section>
  );
}

function ContactForm({ customer }: { customer: BillingCustomerFieldsFragment }) {
  const { t } = useTranslation();
  const refresh = useBillingRefresh();
  const [update] = useMutation(BillingCustomerUpdateDocument);
  const [saved, setSaved] = useState(false);
  const form = useForm({
    initial: { email: customer.email ?? '', name: customer.name ?? '' },
    validate: (values) => ({
      ...(!rules.email(values.email) ? { email: t('forms:email') } : {}),
      ...(values.name.trim().length > NAME_MAX ? { name: t('forms:tooLong', { count: NAME_MAX }) } : {}),
    }),
    async submit(values) {
      const { data } = await update({ variables: { input: { email: values.email.trim(), name: values.name.trim() || null } } });
      const payload = data?.billingCustomerUpdate;
      if (payload?.billingCustomer) {
        setSaved(true);
        void refresh();
      }
      return payload?.userErrors.map((error) => ({ ...error, message: billingErrorText(error, t) }));
    },
  });
  return (
    <>
      {saved && <Alert tone="success">{t('billing:contact.saved')}</Alert>}
      {form.formError && <Alert>{form.formError}</Alert>}
      <form
        {...form.formProps}
        onSubmit={(event: FormEvent) => {
          setSaved(false);
          form.formProps.onSubmit(event);
        }}
      >
        <TextField label={t('billing:contact.email')} hint={t('billing:contact.emailHint')} type="email" autoComplete="email" required {...form.field('email')} />
        <TextField label={t('billing:contact.name')} hint={t('billing:contact.nameHint')} autoComplete="organization" maxLength={NAME_MAX} {...form.field('name')} />
        <div className="actions">
          <Button type="submit" busy={form.submitting}>
            {t('billing:contact.save')}
          </Button>
        </div>
      </form>
    </>
  );
}
