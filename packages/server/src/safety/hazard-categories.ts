/**
 * What intent screening refuses, by category. The first eleven are hazards of the MLCommons
 * AILuminate v1.0 taxonomy (elections as Llama Guard 3 splits it out of "specialized advice");
 * the last four are harms an agent with a browser can do at scale, which a chat model cannot.
 *
 * Left out on purpose: AILuminate's "specialized advice" (medical, legal, financial questions are
 * research an agent should do) and "sexual content" (legal adult content is the user's business).
 */
export const HAZARD_CATEGORIES = [
  'violent_crimes',
  'non_violent_crimes',
  'sex_related_crimes',
  'child_sexual_exploitation',
  'suicide_self_harm',
  'indiscriminate_weapons',
  'hate',
  'privacy',
  'intellectual_property',
  'defamation',
  'elections',
  'account_takeover',
  'carding',
  'harassment',
  'spam',
] as const;

export type HazardCategory = (typeof HAZARD_CATEGORIES)[number];

export interface HazardCategoryInfo {
  /** How a refusal names it. */
  label: string;
  /** Where the category comes from. */
  source: 'ailuminate-v1.0' | 'llama-guard-3' | 'agent';
  /** One line for the classifier's prompt: what falls under it. */
  covers: string;
  /** The end of a refusal: what the user can do instead. */
  advice: string;
}

const REPHRASE = 'If you meant something legitimate, say in the task what it is for and whose it is.';

export const HAZARD_CATEGORY_INFO: Readonly<Record<HazardCategory, HazardCategoryInfo>> = {
  violent_crimes: {
    label: 'violent crime',
    source: 'ailuminate-v1.0',
    covers: 'killing, assaulting, kidnapping or torturing people, terrorism, hiring violence, animal cruelty',
    advice: `If someone is in danger, call your local emergency number. ${REPHRASE}`,
  },
  non_violent_crimes: {
    label: 'non-violent crime',
    source: 'ailuminate-v1.0',
    covers: 'fraud, scams, phishing, malware, hacking systems one does not own, money laundering, counterfeit goods or documents, buying or selling stolen goods, illegal drugs or unlicensed firearms, theft, arson',
    advice: `Tasks that protect against, detect or report such things are fine. ${REPHRASE}`,
  },
  sex_related_crimes: {
    label: 'sex-related crime',
    source: 'ailuminate-v1.0',
    covers: 'sexual assault, drugging someone, sex trafficking, sharing intimate images without consent, sextortion, hidden cameras',
    advice: 'If intimate images of you are being shared, StopNCII.org and the platform’s report form can help; a task to report or remove them is fine.',
  },
  child_sexual_exploitation: {
    label: 'child sexual exploitation',
    source: 'ailuminate-v1.0',
    covers: 'any sexual content involving minors, grooming or sexualised contact with children',
    advice: 'To report material or a person, use NCMEC’s CyberTipline or the Internet Watch Foundation; a task to find those reporting channels is fine.',
  },
  suicide_self_harm: {
    label: 'suicide or self-harm',
    source: 'ailuminate-v1.0',
    covers: 'methods or means of suicide or self-injury, encouraging eating disorders',
    advice: 'If you are thinking about ending your life, please talk to someone now: call or text 988 in the US, or find a local line at findahelpline.com.',
  },
  indiscriminate_weapons: {
    label: 'indiscriminate weapons',
    source: 'ailuminate-v1.0',
    covers: 'making, acquiring or using chemical, biological, radiological or nuclear weapons, explosives or bombs, poisoning water or food supplies',
    advice: `History, policy and safety research about these weapons is fine. ${REPHRASE}`,
  },
  hate: {
    label: 'hate',
    source: 'ailuminate-v1.0',
    covers: 'content that dehumanises or calls for violence against people for a protected trait, recruiting for hate groups, genocide denial',
    advice: 'Research, history, reporting hate speech and countering it are fine; say so in the task.',
  },
  privacy: {
    label: 'privacy violation',
    source: 'ailuminate-v1.0',
    covers: 'finding or publishing a private person’s address, phone, routine or location against their will, tracking or spying on someone',
    advice: 'Finding or removing your own information, or contacting someone through official channels, is fine; say so in the task.',
  },
  intellectual_property: {
    label: 'intellectual property infringement',
    source: 'ailuminate-v1.0',
    covers: 'piracy, cracked software, removing DRM or paywalls, passing off others’ work, counterfeit trademarks',
    advice: 'Licensed, open-source and public-domain material, and content you own, are fine; say so in the task.',
  },
  defamation: {
    label: 'defamation',
    source: 'ailuminate-v1.0',
    covers: 'publishing false statements of fact that damage a real person’s or company’s reputation, fabricated quotes or screenshots, smear campaigns',
    advice: 'Honest reviews, and responding to or reporting false claims about yourself, are fine; say so in the task.',
  },
  elections: {
    label: 'election interference',
    source: 'llama-guard-3',
    covers: 'misleading voters about when, where or how to vote, voter intimidation or suppression, voting more than once, buying votes, impersonating election officials',
    advice: 'Finding your polling place, registering to vote and researching candidates are fine.',
  },
  account_takeover: {
    label: 'account takeover',
    source: 'agent',
    covers: 'getting into accounts that are not the user’s: credential stuffing, password guessing or spraying, SIM swapping, bypassing two-factor authentication',
    advice: 'Securing or recovering your own account is fine; say that it is yours.',
  },
  carding: {
    label: 'carding',
    source: 'agent',
    covers: 'buying, testing or using stolen card data (dumps, fullz, CVVs), card skimmers, using a card that is not the user’s',
    advice: 'Payments with your own card, and test card numbers in a payment sandbox, are fine; say so in the task.',
  },
  harassment: {
    label: 'harassment',
    source: 'agent',
    covers: 'threats, abuse or insults sent to a person, pile-ons and mass reporting, swatting, signing someone up for things to torment them',
    advice: 'Reporting or blocking harassment aimed at you is fine; say so in the task.',
  },
  spam: {
    label: 'spam or fake engagement',
    source: 'agent',
    covers: 'unsolicited bulk messages, fake reviews, fake accounts, bought followers or likes, astroturfing',
    advice: 'Messages to people who opted in, and spotting or reporting fake reviews, are fine; say so in the task.',
  },
};

export function isHazardCategory(value: unknown): value is HazardCategory {
  return typeof value === 'string' && (HAZARD_CATEGORIES as readonly string[]).includes(value);
}
