-- PII masking underneath the portal's own masking: names and e-mail addresses read as '***' unless a
-- portal role with PII is in the session, as the primary or a secondary role (the portal's starting
-- roles with "sees PII": Customer success manager and Administrator). Keep the list in step with the
-- roles in the portal's admin. For a person who also holds a role without PII, the portal masks the
-- rows outside the PII role's scope itself (its masking is decided per row).
USE ROLE ACCOUNTADMIN;
CREATE SCHEMA IF NOT EXISTS PORTAL.SECURITY;

CREATE OR REPLACE MASKING POLICY PORTAL.SECURITY.PORTAL_PII_MASK AS (VAL VARCHAR) RETURNS VARCHAR ->
    CASE
        WHEN NOT STARTSWITH(CURRENT_ROLE(), 'PORTAL_') THEN VAL
        WHEN IS_ROLE_IN_SESSION('PORTAL_CS_MANAGER') OR IS_ROLE_IN_SESSION('PORTAL_ADMIN') THEN VAL
        ELSE '***'
    END;

ALTER TABLE PORTAL.ANALYTICS.CUSTOMER_BASE MODIFY COLUMN FIRST_NAME SET MASKING POLICY PORTAL.SECURITY.PORTAL_PII_MASK;
ALTER TABLE PORTAL.ANALYTICS.CUSTOMER_BASE MODIFY COLUMN LAST_NAME SET MASKING POLICY PORTAL.SECURITY.PORTAL_PII_MASK;
ALTER TABLE PORTAL.ANALYTICS.CUSTOMER_BASE MODIFY COLUMN EMAIL SET MASKING POLICY PORTAL.SECURITY.PORTAL_PII_MASK;
