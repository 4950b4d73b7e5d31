import type { Channel } from '../domain/case-event.ts';
import type { IntentLanguage } from './text.ts';

// What the intent classifier looks for, per language, as lists a reviewer can read. Rules are
// regular expressions over the reply's words: lower case, diacritics folded (ą→a, ä→a, è→e),
// punctuation removed, shorthand expanded by `spelling` first. A weight is how sure one match makes
// us (0–1); several matches of one intent add up (1 − Π(1 − w)). A rule marked `neg` does not
// count when a negator stands in or next to it ("nie zapłacę", "ik betaal niet").
// The weights were set on the tuning half of test/fixtures/replies; see scripts/intent-report.ts.

export type VulnerabilityKind = 'illness' | 'bereavement' | 'job-loss' | 'debt-advice' | 'other';

export interface Rule {
  re: RegExp;
  weight: number;
  neg?: boolean;
  kind?: VulnerabilityKind;
}

export interface LanguageRules {
  /** Everyday words that say which language a reply is in. */
  stopWords: ReadonlySet<string>;
  /** Shorthand and common misspellings → the spelling the rules are written for. */
  spelling: ReadonlyArray<readonly [RegExp, string]>;
  negators: ReadonlySet<string>;
  /** Dutch puts "niet" after the verb ("ik betaal niet"), so negators are looked for on both sides. */
  negatesAfter: boolean;
  dispute: Rule[];
  vulnerability: Rule[];
  promise: Rule[];
  question: Rule[];
  /** Words asking for something ("please", "I prefer", "send me"): a channel named with one is a preference. */
  preferenceCues: RegExp;
  channels: ReadonlyArray<readonly [Channel, RegExp]>;
  languages: ReadonlyArray<readonly [IntentLanguage, RegExp]>;
}

const re = (source: string): RegExp => new RegExp(`\\b(?:${source})\\b`);
const r = (weight: number, source: string): Rule => ({ re: re(source), weight });
const n = (weight: number, source: string): Rule => ({ re: re(source), weight, neg: true });
const v = (kind: VulnerabilityKind, weight: number, source: string): Rule => ({ re: re(source), weight, kind });
const set = (list: string): ReadonlySet<string> => new Set(list.split(' '));
const spell = (map: Record<string, string>) => Object.entries(map).map(([from, to]) => [re(from), to] as const);

/** A question mark anywhere: a weak sign of a question in every language. */
export const QUESTION_MARK_WEIGHT = 0.5;

const pl: LanguageRules = {
  stopWords: set('nie jest to na sie mnie mi prosze juz co jak ze mam czy do tylko wam was moj moje tak dzien dobry jestem bo ale w z ten tej tego za od po pan pani panstwo dziekuje dzieki kto ile jutro dzis wiec zeby moge piszcie zaplace dlug dlugu mozna jeszcze'),
  spelling: spell({ zaplacem: 'zaplace', wplacem: 'wplace', przelejem: 'przeleje', jus: 'juz', niewiem: 'nie wiem', niemam: 'nie mam', niemoge: 'nie moge', niejestem: 'nie jestem' }),
  negators: set('nie ani zamiast bez'),
  negatesAfter: false,
  dispute: [
    r(0.95, 'nie (jest )?moj\\w* (dlug\\w*|zadluzen\\w*|pozyczk\\w*|kredyt\\w*|rachun\\w*|faktur\\w*)'),
    r(0.9, 'to nie (jest )?moj\\w*|nie moj\\w*'),
    r(0.95, '(nic|niczego) (wam |nikomu )?nie (jestem|jestesmy) (wam )?winn\\w*|nie (jestem|jestesmy) (wam |nikomu )?(nic|niczego) (wam )?winn\\w*'),
    r(0.95, 'nie mam (u was |u panstwa |wobec was )?(zadn\\w* )?(dlug\\w*|zadluzen\\w*|zaleglosc\\w*)'),
    r(0.9, 'nie znam (\\w+ )?(firm\\w*|spolk\\w*)|nigdy nie (podpisywal|podpisal|zawieral|zawarl|bral|wzial|mial)\\w*|nie (zawieral|zawarl|podpisywal|podpisal)\\w* (\\w+ ){0,2}umow\\w*'),
    r(0.7, 'pomylk\\w*|pomylili\\w*|(pomylil\\w*|zla|zlej) osob\\w*|to nie ja'),
    r(0.9, 'przedawnion\\w*|przedawnieni\\w*|kwestionuj\\w*|podwazam|nie uzna(je|ja|m)\\w*|reklamacj\\w*|sprzeciw\\w*'),
    r(0.9, '(kwota|suma|saldo) (sie )?nie zgadza|nie zgadza sie (kwota|suma)|zawyzon\\w*|(kwota|suma|odsetki|oplat\\w*) (\\w+ )?(jest |sa )?(bledn|niepoprawn|nieprawidlow|wymyslon)\\w*'),
    r(0.9, '(juz|dawno) (to |ja |wszystko |calosc )?(za|s|w)?placil\\w*|(za|s|w)placil\\w* (to )?(w calosci|calosc|wszystko|dawno)|(jest|zostal\\w*) (juz )?(splacon|zaplacon|uregulowan)\\w*|wyslal\\w* (juz )?przelew|przelew (juz )?(poszedl|wyslan\\w*)'),
    r(0.65, '(za|s|w)placil\\w*|uregulowal\\w*'),
    r(0.95, 'na moje dane|(dane|dowod\\w*|tozsamosc\\w*) (\\w+ )?(zostaly |zostal |zostala )?(skradzion|ukradzion)\\w*|kradziez\\w* tozsamosci|wyludz\\w*|podszy\\w*'),
    r(0.85, 'udowodni\\w*|skad (\\w+ ){0,2}(ten |to )?dlug|sprawa (jest )?w sadzie'),
  ],
  vulnerability: [
    v('illness', 0.9, 'szpital\\w*|chor(y|a|uje|oba|oby|obe|obie|ujemy)|rak(a|iem)?|chemi\\w*|onkolog\\w*|nowotw\\w*|operacj\\w*|zwolnieni\\w* lekarsk\\w*|l4|depresj\\w*|lecze sie|ciaz\\w* zagrozon\\w*|zawal\\w*|udar\\w*|psychiatr\\w*|atak\\w* panik\\w*|samobojcz\\w*|nerwic\\w*'),
    v('bereavement', 0.95, 'zmarl\\w*|nie zyj(e|a)|pogrzeb\\w*|smierc\\w*|zgon\\w*|odszedl|odeszla|zalob\\w*|wdow\\w*'),
    v('job-loss', 0.9, '(stracil|utracil)\\w* (\\w+ )?(prac|robot)\\w*|bez pracy|bezrobot\\w*|zwolnil\\w* mnie|zostal\\w* zwolnion\\w*|jestem zwolnion\\w*|nie mam pracy|szukam pracy|upadl\\w* firm\\w*'),
    v('debt-advice', 0.9, 'poradni\\w*|doradc\\w*|doradztw\\w*|upadlosc\\w*|ogarnac (\\w+ )?dlug\\w*|pomoc\\w* (w |z )?(splacie|dlug\\w*)|nie radze sobie z dlug\\w*|rzecznik\\w* konsument\\w*'),
    v('other', 0.85, 'nie mam (juz )?(z czego|za co) (zyc|oplacic|kupic)|nie mam na (jedzenie|chleb|leki|czynsz)|(oplacic|wykupic|kupic) lek\\w*|(sam|sama) z (\\w+ )?(dzie|dzieck)\\w*|samotn\\w* (matk|ojc)\\w*|niepelnospraw\\w*|rent(a|y|e|cie|ie)|przemoc\\w*|bezdomn\\w*'),
    v('other', 0.55, 'emeryt\\w*|nie starcza|nie daje rady|nie dam rady|nie mam sily'),
  ],
  promise: [
    n(0.85, '(za|w|s|do|o)plac(e|imy)|przeleje(my)?|uregul(uje|ujemy)|oddam|wyrownam|(zrobie|wysle|puszcze) (\\w+ ){0,2}przelew|przelew (\\w+ ){0,2}(zrobie|wysle|puszcze)|bede (placic|splacac|wplacac)'),
    n(0.7, 'postaram sie (\\w+ )?(zaplacic|wplacic|splacic|oddac)|przelew (\\w+ ){0,2}(pojdzie|bedzie)'),
    n(0.45, '(moge|moglbym|moglabym) (\\w+ ){0,2}(zaplacic|wplacic|splacic|przelac|oddac)'),
  ],
  question: [
    r(0.6, 'ile|kto|kim|skad|dlaczego|czemu|jaki|jaka|jakie|gdzie|kiedy|czy|co to|o co chodzi'),
    r(0.9, '(numer|nr) (\\w+ )?(konta|rachunku)|na jakie konto'),
  ],
  preferenceCues: re('prosze|wole|wolalbym|wolalabym|wolimy|piszcie|pisac|wyslijcie|wysylajcie|wyslac|przeslac|przesylac|kontakt\\w*|mozecie|tylko|zamiast|przez'),
  channels: [
    ['sms', re('sms\\w*|esemes\\w*')],
    ['whatsapp', re('whats ?app\\w*|wats ?ap\\w*')],
    ['email', re('e ?mail\\w*|mail\\w*|meil\\w*|poczt\\w* (e|elektroniczn)\\w*')],
    ['letter', re('list(em|owni\\w*|own\\w*|u)|poczta tradycyjna|tradycyjn\\w* poczt\\w*|papierow\\w*|pisemn\\w*')],
  ],
  languages: [
    ['pl', re('po polsku')],
    ['fi', re('po finsku')],
    ['it', re('po wlosku')],
    ['nl', re('po (niderlandzku|holendersku)')],
  ],
};

const fi: LanguageRules = {
  stopWords: set('on ei en ole olen ja se etta mutta kun tama taa minun mun teille te teidan mita kiitos hei moi olette voi voiko kuka mista minulla tassa nyt jo viela vain sita taman huomenna maksan velka velkaa kylla niin myos ette kanssa mina sen olla oon'),
  spelling: spell({ oo: 'ole', mun: 'minun', mulla: 'minulla', mulle: 'minulle', taa: 'tama', naa: 'nama', oon: 'olen', kiitti: 'kiitos', tekstarit: 'tekstiviestit' }),
  negators: set('ei en et emme ette eivat eika enka ala alkaa alkakaa ilman'),
  negatesAfter: false,
  dispute: [
    r(0.95, 'en ole (\\w+ ){0,2}velkaa|(ei|eika) (ole )?(minun|meidan) (velka\\w*|lasku\\w*|laina\\w*)'),
    n(0.9, 'kiista\\w*|riitaut\\w*'),
    r(0.8, 'maksoin|olen (\\w+ )?maksanut|(on|oli) (jo )?maksettu|jo maksettu'),
    r(0.9, 'en ole (ikina|koskaan) (\\w+ ){0,3}(tehnyt|ottanut|allekirjoittanut|tilannut|ostanut|ollut)'),
    r(0.9, '(summa|lasku|maara|saatava|perintakulu\\w*|kulu\\w*|korko\\w*) (\\w+ ){0,2}(on |ovat )?(vaara|virheellinen|liian suur\\w*)|ei tasmaa|vaara summa'),
    r(0.95, '(minun|meidan) nimissa\\w*|henkilollisyy\\w* (\\w+ ){0,2}varast\\w*|identiteet\\w* (\\w+ )?varka\\w*'),
    r(0.85, 'rikosilmoitu\\w*|vaara henkilo|en tunne (\\w+ ){0,2}(yritys\\w*|firma\\w*)|vanhentun\\w*|reklamaatio\\w*|reklamoi\\w*|todista\\w*'),
    r(0.5, 'virhe\\w*'),
  ],
  vulnerability: [
    v('illness', 0.9, 'sairaala\\w*|sairast\\w*|sairaus\\w*|syopa\\w*|syovan|kemo\\w*|leikkau\\w*|masennu\\w*|masentun\\w*|mielenterve\\w*|paniikki\\w*|itsetuho\\w*|raskaana|sairausloma\\w*'),
    v('illness', 0.6, 'ahdista\\w*|ahdistu\\w*|sairas'),
    v('bereavement', 0.95, 'kuoli\\w*|kuollut|menehty\\w*|hautaj\\w*|suru\\w*|leski'),
    v('job-loss', 0.9, 'tyoton\\w*|tyotto\\w*|irtisan\\w*|lomautet\\w*|lomautu\\w*|menetin (\\w+ )?tyo\\w*|ilman toita|konkurssi\\w*'),
    v('debt-advice', 0.9, 'velkaneuvo\\w*|velkajarjestel\\w*|takuusaatio\\w*|edunvalvo\\w*'),
    v('other', 0.85, 'yksinhuolta\\w*|ruokaan|ruokaa varten|vammai\\w*|tyokyvyton\\w*|toimeentulotu\\w*'),
    v('other', 0.55, 'elake\\w*|elakkeella|laakk\\w*|(ei|eivat) riita'),
  ],
  promise: [
    n(0.85, 'maksan|maksamme|maksetaan|hoidan|suoritan|lupaan (maksaa|hoitaa|suorittaa)'),
    n(0.75, 'yritan (maksaa|hoitaa)|maksu (\\w+ ){0,2}lahtee'),
    n(0.45, 'voin maksaa|pystyn maksamaan|maksaisin'),
  ],
  question: [
    r(0.6, 'paljonko|kuinka|kuka|mista|mihin|mika|mita|miksi|milloin|miten|voiko|saako|saanko|onko'),
    r(0.9, 'tilinumero\\w*|viitenumero\\w*'),
  ],
  preferenceCues: re('lahettakaa|laheta|laittakaa|laita|haluan|haluaisin|mieluummin|mielummin|voisitteko|voitteko|ottakaa yhteytta|ota yhteytta|kirjoittakaa|kirjoita|pyydan|jatkossa|parhaiten|vaihtaa'),
  channels: [
    ['sms', re('tekstivies\\w*|tekstari\\w*|sms\\w*')],
    ['whatsapp', re('whats ?app\\w*')],
    ['email', re('sahkopost\\w*|s postil\\w*|e ?mail\\w*|meili\\w*|maili\\w*')],
    ['letter', re('kirje\\w*|postitse|paperi\\w*|paperinen|paperisen')],
  ],
  languages: [
    ['fi', re('suomeksi|suomea|suomen kiel\\w*')],
    ['pl', re('puolaksi')],
    ['it', re('italiaksi')],
    ['nl', re('hollanniksi|hollannin kiel\\w*')],
  ],
};

const it: LanguageRules = {
  stopWords: set('non e di il la che sono per un una mi ho ha del della questo questa pago grazie si gia mio mia voi vi lo le gli con ma ciao buongiorno come cosa chi quanto sto io al alla nel perche anche tutto niente nulla debito domani oggi mai'),
  spelling: spell({ nn: 'non', xke: 'perche', xche: 'perche', cmq: 'comunque', x: 'per', ke: 'che', ki: 'chi', sn: 'sono', qst: 'questo', pagero: 'paghero', tt: 'tutto', dmn: 'domani', grz: 'grazie' }),
  negators: set('non no mai neanche nemmeno invece senza niente'),
  negatesAfter: false,
  dispute: [
    r(0.95, 'non (e |sono )?(un |il |una |la )?mi(o|a|ei|e)|(debito|fattura|prestito|contratto) (\\w+ ){0,2}non (e )?mi(o|a)'),
    r(0.95, 'non (vi |gli )?devo (niente|nulla|alcun\\w*|un euro|neanche)|non devo (niente|nulla)'),
    r(0.85, '(avete )?sbagliato persona|persona sbagliata|scambio di persona|non sono io'),
    r(0.9, 'gia (pagat|saldat|versat)\\w*|(ho|abbiamo) gia (pagato|saldato|versato)|(e|risulta) (gia )?(pagat|saldat)\\w*'),
    r(0.9, 'non (ho|abbiamo) mai (firmato|sottoscritto|avuto|chiesto|richiesto|stipulato|fatto|acquistato|comprato)'),
    r(0.9, '(importo|cifra|somma|fattura|bolletta) (\\w+ ){0,2}(sbagliat|errat|gonfiat)\\w*|gonfiat\\w*'),
    r(0.95, '(i miei|miei) dati|(furto|rubat\\w*) (\\w+ ){0,2}(identita|dati)|(identita|dati) (\\w+ ){0,2}rubat\\w*'),
    n(0.9, 'contest\\w*|prescritt\\w*|prescrizione|reclam(o|i)'),
    r(0.85, 'non conosco (\\w+ ){0,2}(societa|ditta|azienda|compagnia|agenzia)|mai avuto rapporti|dimostr\\w*|denuncia\\w*|truffa'),
    r(0.6, 'errore'),
  ],
  vulnerability: [
    v('illness', 0.9, 'ospedal\\w*|ricoverat\\w*|malat\\w*|tumore|cancro|chemio\\w*|intervento|operat(o|a)|operazione|depress\\w*|ansia|panico|psichiatr\\w*|incinta|gravidanza a rischio|sto male|infarto|ictus'),
    v('bereavement', 0.95, 'mort(o|a)|decedut\\w*|lutto|funeral\\w*|venut(o|a) a mancare|scompars(o|a)|vedov\\w*'),
    v('job-loss', 0.9, 'perso (il |mio )?lavoro|licenziat\\w*|disoccupat\\w*|cassa integrazione|senza lavoro|non lavoro piu|naspi'),
    v('debt-advice', 0.9, 'sovraindebitament\\w*|consulent\\w* (\\w+ ){0,2}debit\\w*|aiuto (\\w+ ){0,2}debiti|gestire i debiti|esdebitazione'),
    v('other', 0.85, 'non arrivo a fine mese|(sola|solo) con (\\w+ ){0,2}(bambin|figl)\\w*|invalid\\w*|disabil\\w*|senza casa'),
    v('other', 0.55, 'anzian\\w*|pensione|non ce la faccio'),
  ],
  promise: [
    n(0.85, 'paghero|pagheremo|pago|vi pago|versero|salder\\w*|(faccio|faro) (il |un )?bonifico|provveder\\w* (\\w+ )?pagament\\w*'),
    n(0.7, 'saldo|verso'),
    n(0.45, 'posso pagare|potrei pagare|riesco a pagare'),
  ],
  question: [
    r(0.6, 'quanto|chi|come|perche|dove|quando|fino a quando|cosa|quale|qual'),
    r(0.9, 'iban|numero di conto|coordinate bancarie'),
  ],
  preferenceCues: re('scrivetemi|scrivete|scrivimi|scrivere|preferisco|preferirei|meglio|contattatemi|contattami|contattato|contattata|mandatemi|mandami|mandate|inviatemi|inviami|potete|solo|via'),
  channels: [
    ['sms', re('sms')],
    ['whatsapp', re('whats ?app\\w*|wapp')],
    ['email', re('e ?mail|mail|posta elettronica|pec')],
    ['letter', re('letter(a|e)|raccomandat\\w*|posta(?! elettronica)|cartace\\w*')],
  ],
  languages: [
    ['it', re('(in )?italiano')],
    ['pl', re('in polacco')],
    ['fi', re('in finlandese')],
    ['nl', re('in olandese')],
  ],
};

const nl: LanguageRules = {
  stopWords: set('ik de het een niet is van dat dit je jullie mijn u ben heb met op voor wat geen graag betaal maar me mij zijn wie hoe er nog al ook wel kan ga bij naar als om te ja nee dank bedankt alstublieft hallo hoi vandaag alles rekening en'),
  spelling: spell({ ff: 'even', aub: 'alstublieft', ivm: 'in verband met', k: 'ik', mn: 'mijn', 'm n': 'mijn', nie: 'niet', nx: 'niks', mss: 'misschien' }),
  negators: set('niet geen nooit niks niets dan ipv'),
  negatesAfter: true,
  dispute: [
    n(0.9, 'betwist\\w*|bezwaar'),
    r(0.95, '(niet|niks|niets) (\\w+ )?verschuldigd|ben (jullie |u )?(niks|niets) (\\w+ )?(schuldig|verschuldigd)'),
    r(0.9, 'niet (van )?mijn (schuld|rekening|factuur|lening|vordering)|niet van mij'),
    r(0.9, '(al|allang|reeds) (lang )?(betaald|voldaan|overgemaakt)|is (al )?betaald'),
    r(0.9, 'nooit (\\w+ ){0,4}(afgesloten|besteld|gekocht|getekend|ondertekend|geleverd|aangevraagd)'),
    r(0.9, '(bedrag|vordering|factuur|rekening) (\\w+ ){0,2}(klopt niet|is (veel )?te hoog|onjuist)'),
    r(0.75, 'klopt niet|te hoog|onjuist|klacht\\w*'),
    r(0.95, 'op mijn naam|identiteit\\w* (\\w+ ){0,2}(gestolen|fraude)|identiteitsfraude|fraude|aangifte'),
    r(0.85, 'verkeerde persoon|verkeerd adres|ken (\\w+ ){0,2}(bedrijf|firma|partij) niet|verjaard|verjaring|bewijz\\w*|aantonen'),
  ],
  vulnerability: [
    v('illness', 0.9, 'ziekenhuis|ziek\\w*|kanker|chemo\\w*|geopereerd|operatie|burn ?out|depress\\w*|psych\\w*|zwanger|ggz|overspannen|paniek\\w*'),
    v('illness', 0.6, 'herstel\\w*|lig (\\w+ ){0,2}plat'),
    v('bereavement', 0.95, 'overleden|overlijden|begrafenis|crematie|gestorven|weduw\\w*'),
    v('job-loss', 0.9, 'ontslag\\w*|werkloos|(baan|werk) kwijt|geen werk|ww|failliet'),
    v('debt-advice', 0.9, 'schuldhulp\\w*|schuldsanering|wsnp|bewindvoer\\w*|budgetcoach\\w*|budgetbeheer|schuldbemiddeling|hulp (\\w+ ){0,3}schulden|moratorium|collectieve schuldenregeling'),
    v('other', 0.85, 'alleenstaand\\w*|kom (\\w+ ){0,3}tekort|bijstand|niks over (voor|om)|voedselbank|geen geld voor eten'),
    v('other', 0.55, 'uitkering'),
  ],
  promise: [
    n(0.85, 'ik betaal|betaal ik|ik maak (\\w+ ){0,4}over|maak ik (\\w+ ){0,3}over|stort\\w*|ik zal (\\w+ ){0,2}betalen|ga (\\w+ ){0,2}betalen|(is|wordt) (het|alles) (betaald|voldaan)'),
    n(0.75, 'betaal|(staat|staan) (het geld|het bedrag) (\\w+ ){0,3}rekening'),
    n(0.45, 'kan (\\w+ ){0,4}betalen'),
  ],
  question: [
    r(0.6, 'hoeveel|wie|wat|waar|waarom|wanneer|hoe|kan ik|mag ik|welke'),
    r(0.9, 'rekeningnummer|iban'),
  ],
  preferenceCues: re('liever|graag|stuur|stuurt|alleen|via|kunnen jullie|kunt u|wil|schrijven|ontvangen|alstublieft|mail me|app me'),
  channels: [
    ['sms', re('sms\\w*|tekstbericht\\w*')],
    ['whatsapp', re('whats ?app\\w*|app me|appen|appje')],
    ['email', re('e ?mail\\w*|mail\\w*')],
    ['letter', re('brief|brieven|per post|post|schriftelijk|papier\\w*')],
  ],
  languages: [
    ['nl', re('(in het )?nederlands|vlaams')],
    ['pl', re('pools')],
    ['fi', re('fins')],
    ['it', re('italiaans')],
  ],
};

export const RULES: Record<IntentLanguage, LanguageRules> = { pl, fi, it, nl };

/** Letters only one of the languages writes: a strong sign when the debtor did type them. */
export const LETTERS: Record<IntentLanguage, RegExp> = { pl: /[ąćęłńśźż]/gu, fi: /[äö]/gu, it: /[àèìòù]/gu, nl: /ij/gu };
/** Spellings and endings typical of a language, for words no list holds: a weaker sign. */
export const SPELLINGS: Record<IntentLanguage, RegExp> = {
  pl: /rz|sz|cz|ie\b|ych\b|ego\b|cie\b/gu,
  fi: /ii|yy|(kaa|kää|ssa|ssä|sta|stä|lla|llä|ksi|tta|ttä)\b/gu,
  it: /zione\b|mente\b|gli|gn|zz|cch|isco\b|iamo\b/gu,
  nl: /oe|sch|cht|\bge\w+[dt]\b/gu,
};
