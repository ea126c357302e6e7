/** The labels of a client's fields as the forms show them; server messages about a field are led by these. */
export const CLIENT_LABELS = {
  name: 'Full name',
  preferredName: 'Preferred name',
  email: 'Email',
  phone: 'Phone',
  dateOfBirth: 'Date of birth',
  preferredLanguage: 'Preferred language',
  primaryClinicianId: 'Primary clinician',
};
