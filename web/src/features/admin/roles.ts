/** Roles that may open the admin console; the server checks every request again. */
export const mayAdminister = (role: string) => role === 'owner' || role === 'admin';
