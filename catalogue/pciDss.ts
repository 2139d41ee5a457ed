/**
 * PCI DSS v4.0.1 requirements each control supports. Numbers and paraphrases from the standard's
 * text as ComplianceAsCode transcribes it (github.com/ComplianceAsCode/content, controls/pcidss_4.yml,
 * "version: 4.0.1", source PCI-DSS-v4_0_1.pdf); 6.4.1 and 10.7.1 were superseded on 31 March 2025
 * by 6.4.2 and 10.7.2, which are used instead. A trailing `~` marks support in part (the requirement
 * needs more than this control). Which requirement a control supports is this team's reading; the
 * QSA's is the one that counts.
 */
export const PCI_BY_CONTROL: Record<string, string[]> = {
  "ENC-01": ["3.5.1~", "3.5.1.3", "3.6.1", "3.7.3", "8.3.2~"],
  "ENC-02": ["3.6.1.1~"],
  "ENC-03": ["3.6.1", "3.6.1.1", "3.6.1.2", "3.6.1.3~", "3.7.7", "7.2.1", "7.2.5"],
  "ENC-04": ["3.7.4", "3.7.5~"],
  "ENC-05": ["3.7.5", "10.5.1~"],
  "ENC-06": ["3.7.5", "12.10.1~"],
  "ENC-07": ["4.2.1", "2.2.7", "8.3.2"],
  "ENC-08": ["7.2.5", "3.6.1"],
  "ENC-09": ["8.6.2", "8.3.2"],
  "IAM-01": ["7.2.1", "7.2.2", "7.2.5", "7.3.1", "7.3.2"],
  "IAM-02": ["7.2.1", "7.3.3~", "1.4.4~", "A1.1.2"],
  "IAM-03": ["8.6.2", "8.6.3", "8.3.2", "7.2.5"],
  "IAM-04": ["7.2.5", "7.2.6", "7.2.1"],
  "IAM-05": ["8.3.1", "8.2.1", "7.2.6", "8.2.2~"],
  "IAM-06": ["1.3.1", "1.4.1", "1.4.2", "7.3.1", "2.2.7~"],
  "IAM-07": ["7.2.1", "7.2.2", "7.2.3", "7.3.1~", "8.2.1~", "8.2.2~", "10.2.1.2", "10.4.1.1~"],
  "IAM-08": ["7.2.1", "7.2.2", "7.2.5", "8.6.2"],
  "TEN-01": ["A1.1.2", "A1.1.3~", "3.6.1"],
  "TEN-02": ["A1.1.2", "A1.2.1", "10.2.1.1", "10.2.1.4", "10.4.1.1"],
  "LOG-01": ["10.3.1", "10.3.2", "10.3.3", "A1.2.1~"],
  "LOG-02": ["10.5.1", "10.3.2", "10.3.3", "10.3.4~"],
  "LOG-03": ["10.2.1", "10.2.1.2", "10.2.1.4", "10.2.1.5", "10.2.1.6", "10.2.1.7", "10.3.3", "A1.2.1"],
  "LOG-04": ["10.2.1", "10.2.1.1", "10.2.1.3", "10.2.2"],
  "LOG-05": ["10.3.1~", "10.3.2~"],
  "LOG-06": ["10.2.1", "10.2.1.1", "10.2.1.2", "10.2.1.4", "10.2.2", "A1.2.1"],
  "LOG-07": ["10.4.1.1", "10.7.2~"],
  "LOG-08": ["3.5.1", "3.3.1~"],
  "NET-01": ["1.3.1", "1.4.1", "1.4.2", "1.4.4"],
  "NET-02": ["1.3.2", "1.4.1", "1.4.5"],
  "NET-03": ["1.2.5", "1.3.1", "1.4.1", "1.4.2"],
  "NET-04": ["1.3.2~", "1.4.4~"],
  "NET-05": ["6.4.2", "1.4.2~"],
  "NET-06": ["11.5.1~", "11.5.1.1~"],
  "NET-07": ["1.3.1", "1.3.2", "1.4.1", "7.3.1~"],
  "NET-08": ["1.3.2", "1.2.5"],
  "NET-09": ["1.3.1", "1.3.2", "1.2.3~", "1.2.4~"],
  "REG-01": ["12.5.2~"],
  "RES-01": ["12.10.1~"],
  "RES-02": ["12.10.1~"],
  "RES-03": ["12.10.1~"],
  "RES-04": ["12.10.1~"],
  "RES-05": ["10.3.2~", "10.5.1~", "3.7.5~"],
  "RES-06": ["12.10.1", "12.10.2~"],
  "RES-07": ["12.10.1", "12.10.2~"],
  "RES-08": ["6.5.1", "6.5.2~", "1.2.2"],
  "RES-09": ["6.5.3~"],
  "RES-10": ["9.4.1.1~", "12.10.1~", "3.5.1~", "7.2.2~"],
  "RES-11": ["12.10.1~", "12.10.2~"],
  "K8S-01": ["2.2.1", "2.2.6"],
  "K8S-02": ["1.2.5", "1.3.1", "1.3.2"],
  "K8S-03": ["7.2.5", "8.2.2~"],
  "K8S-04": ["6.5.1~"],
  "DET-01": ["10.4.1.1", "11.5.1~", "6.5.2~", "10.7.2~"],
  "DET-02": ["12.10.5", "12.10.3~", "10.4.1.1", "10.4.3~"],
  "GOV-01": ["6.5.1", "6.5.2", "1.2.2", "2.2.1"],
  "GOV-02": ["12.5.1"],
  "GOV-03": ["2.2.1", "6.5.2~"],
  "GOV-04": ["6.5.1~"],
  "GOV-05": ["6.5.1", "6.5.2~"],
};

/** The requirement text each number stands for, paraphrased. */
export const PCI_REQUIREMENTS: Record<string, string> = {
  "1.2.2": "Changes to network connections and network security controls follow change control.",
  "1.2.3": "An accurate network diagram shows all connections to the CDE.",
  "1.2.4": "An accurate data-flow diagram shows all account-data flows.",
  "1.2.5": "Every allowed service, protocol and port is identified, approved and has a business need.",
  "1.3.1": "Inbound traffic to the CDE is restricted to what is necessary; everything else is denied.",
  "1.3.2": "Outbound traffic from the CDE is restricted to what is necessary; everything else is denied.",
  "1.4.1": "Network security controls sit between trusted and untrusted networks.",
  "1.4.2":
    "Inbound traffic from untrusted networks reaches only publicly accessible services or answers established sessions.",
  "1.4.4": "System components storing cardholder data are not directly accessible from untrusted networks.",
  "1.4.5": "Internal IP addresses and routing are disclosed only to authorised parties.",
  "2.2.1": "Configuration standards cover all system components and are applied before production.",
  "2.2.6": "System security parameters are configured to prevent misuse.",
  "2.2.7": "All non-console administrative access is encrypted with strong cryptography.",
  "3.3.1": "Sensitive authentication data is not retained after authorisation.",
  "3.5.1": "PAN is rendered unreadable anywhere it is stored.",
  "3.5.1.3":
    "Where disk-level encryption is used, logical access to it is managed apart from the operating system and its keys are not tied to user accounts.",
  "3.6.1":
    "Procedures protect cryptographic keys: fewest custodians, key-encrypting keys at least as strong and stored apart, fewest locations.",
  "3.6.1.1":
    "(Service providers) A documented cryptographic architecture: algorithms, keys, their use, HSM/KMS inventory.",
  "3.6.1.2":
    "Secret keys are stored encrypted by a key-encrypting key, inside a secure cryptographic device (HSM), or as key components.",
  "3.6.1.3": "Access to cleartext key components is restricted to the fewest custodians.",
  "3.7.3": "Key management covers secure key storage.",
  "3.7.4": "Keys are changed at the end of their defined cryptoperiod.",
  "3.7.5":
    "Keys are retired or replaced at the end of the cryptoperiod, when weakened or when compromise is suspected.",
  "3.7.7": "Unauthorised substitution of keys is prevented.",
  "4.2.1": "Strong cryptography protects PAN over open, public networks.",
  "6.4.2":
    "An automated technical solution in front of public-facing web applications detects and prevents web attacks.",
  "6.5.1": "Changes to production follow established procedures.",
  "6.5.2": "After a significant change, applicable PCI DSS requirements are confirmed in place.",
  "6.5.3": "Pre-production environments are separated from production, with access controls enforcing it.",
  "7.2.1": "An access-control model grants access by job function, least privilege.",
  "7.2.2": "Users, privileged ones included, get least privilege by job function.",
  "7.2.3": "Required privileges are approved by authorised personnel.",
  "7.2.5": "Application and system accounts get least privilege, only on the systems that need them.",
  "7.2.6": "Queries of cardholder-data stores go through applications; only administrators query directly.",
  "7.3.1": "An access-control system covers all system components.",
  "7.3.2": "The access-control system enforces permissions by job function.",
  "7.3.3": "The access-control system is set to deny all by default.",
  "8.2.1": "Every user has a unique ID before access is allowed.",
  "8.2.2": "Shared or generic accounts are used only by exception, and managed.",
  "8.3.1": "All user and administrator access is authenticated.",
  "8.3.2": "Authentication factors are unreadable in transmission and storage (strong cryptography).",
  "8.6.2":
    "Passwords of application and system accounts are not hard-coded in scripts, configuration or source.",
  "8.6.3":
    "Passwords of application and system accounts are protected against misuse and changed periodically.",
  "9.4.1.1":
    "Offline media backups with cardholder data are stored in a secure location that unauthorised personnel cannot access.",
  "10.2.1": "Audit logs are enabled and active for all system components and cardholder data.",
  "10.2.1.1": "Audit logs capture all individual user access to cardholder data.",
  "10.2.1.2": "Audit logs capture all actions taken with administrative access.",
  "10.2.1.3": "Audit logs capture all access to audit logs.",
  "10.2.1.4": "Audit logs capture invalid logical access attempts.",
  "10.2.1.5": "Audit logs capture changes to identification and authentication credentials.",
  "10.2.1.6": "Audit logs capture initialisation, stopping or pausing of the audit logs.",
  "10.2.1.7": "Audit logs capture creation and deletion of system-level objects.",
  "10.2.2": "Audit logs record user, event type, time, outcome, origin and affected resource.",
  "10.3.1": "Read access to audit logs is limited to those with a job need.",
  "10.3.2": "Audit log files are protected from modification.",
  "10.3.3": "Audit logs are promptly backed up to a secure, central store that is difficult to modify.",
  "10.3.4": "Change detection on audit logs: existing log data cannot change without an alert.",
  "10.4.1.1": "Automated mechanisms perform audit log reviews.",
  "10.4.3": "Exceptions and anomalies identified during log review are addressed.",
  "10.5.1": "Audit log history is kept for at least 12 months, three months immediately available.",
  "10.7.2": "Failures of critical security control systems are detected, alerted and addressed promptly.",
  "11.5.1": "Intrusion-detection or -prevention techniques detect or prevent intrusions into the network.",
  "11.5.1.1":
    "(Service providers) IDS/IPS detect, alert on or prevent covert malware communication channels.",
  "12.5.1": "An inventory of in-scope system components, with their function, is kept current.",
  "12.5.2": "PCI DSS scope is documented and confirmed at least every 12 months and on significant change.",
  "12.10.1":
    "An incident-response plan exists, including business recovery and continuity and data backup processes.",
  "12.10.2": "The incident-response plan is reviewed, updated and tested at least every 12 months.",
  "12.10.3": "Specific personnel are available 24/7 to respond to suspected or confirmed security incidents.",
  "12.10.5":
    "The incident-response plan includes monitoring and responding to alerts from security monitoring systems.",
  "A1.1.2": "(Multi-tenant providers) Each customer can access only its own cardholder data and CDE.",
  "A1.1.3": "(Multi-tenant providers) Each customer can access only the resources allocated to it.",
  "A1.2.1":
    "(Multi-tenant providers) Audit logging is enabled for each customer's environment, consistent with Requirement 10.",
};

/** What the platform leaves to the application or the organisation. */
export const PCI_LEFT_TO_OTHERS: {
  requirements: string;
  owner: "application" | "organisation";
  reason: string;
}[] = [
  {
    requirements: "3.2.1",
    owner: "application",
    reason: "Retention and disposal of stored account data (rows, backups) is application logic and process.",
  },
  {
    requirements: "3.3.1–3.3.2",
    owner: "application",
    reason:
      "Not keeping sensitive authentication data after authorisation; LOG-08 only proves no PAN reaches logs.",
  },
  {
    requirements: "3.4.1–3.4.2",
    owner: "application",
    reason: "Masking PAN when displayed, and copy controls over remote access.",
  },
  {
    requirements: "3.5.1, 3.5.1.1–3.5.1.2",
    owner: "application",
    reason:
      "CMEK is storage-level encryption: under 3.5.1.2 the application must also tokenise, hash or field-encrypt PAN.",
  },
  {
    requirements: "3.7.1–3.7.8 (procedures)",
    owner: "organisation",
    reason:
      "Documented key-management procedures and custodian acknowledgements; the platform provides the mechanisms.",
  },
  {
    requirements: "5.x",
    owner: "organisation",
    reason: "Anti-malware and its evaluation for Autopilot nodes and images; anti-phishing.",
  },
  {
    requirements: "6.2.x, 6.3.x, 6.4.3",
    owner: "application",
    reason: "Secure development, vulnerability ranking, software inventory, payment-page scripts.",
  },
  {
    requirements: "6.5.4–6.5.6",
    owner: "organisation",
    reason: "Role separation between environments; no live PAN in pre-production.",
  },
  {
    requirements: "7.2.4, 7.2.5.1",
    owner: "organisation",
    reason:
      "Six-monthly reviews of user and system-account access; the approvals of 7.2.3 are Privileged Access Manager's (IAM-07), who may approve is the organisation's.",
  },
  {
    requirements: "8.2.x–8.5.1 (people)",
    owner: "organisation",
    reason:
      "Staff accounts, passwords and MFA live in the identity provider; tenant users' login is the application's.",
  },
  {
    requirements: "9.x",
    owner: "organisation",
    reason:
      "Data-centre physical security is Google's (its attestation); offices and media the organisation's. RES-10's immutable backup buckets support 9.4.1.1 in part (where backups are kept and who may read them).",
  },
  {
    requirements: "10.4.1, 10.4.2–10.4.3, 10.7.3",
    owner: "organisation",
    reason: "Log review by people and follow-up of anomalies and control failures.",
  },
  {
    requirements: "11.3.x, 11.4.1–11.4.7",
    owner: "organisation",
    reason: "Vulnerability scans and penetration tests, segmentation tests every six months (11.4.6).",
  },
  {
    requirements: "11.5.2, 11.6.1",
    owner: "organisation",
    reason: "Change-detection on critical files; payment-page tamper detection.",
  },
  {
    requirements: "12.1–12.9",
    owner: "organisation",
    reason: "Policies, risk analyses, training, third-party management, customer acknowledgements.",
  },
  {
    requirements: "12.10.x (process)",
    owner: "organisation",
    reason: "Incident response: the plan, staff and exercises; the platform's alerts and drills feed it.",
  },
  {
    requirements: "A1.1.1, A1.1.4, A1.2.2–A1.2.3",
    owner: "organisation",
    reason:
      "Provider access approvals, six-monthly tests of tenant separation, forensics and incident notice to tenants.",
  },
];

/** The requirement number without the in-part marker. */
export const pciNumber = (ref: string): string => ref.replace(/~$/, "");
