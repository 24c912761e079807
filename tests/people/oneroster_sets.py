"""OneRoster CSV sets as student information systems write them, quirks included.

Written from the 1EdTech OneRoster 1.1 CSV tables and the 1.2 CSV binding (manifest.csv,
orgs.csv, users.csv, roles.csv, userProfiles.csv …), and from how exporters are known to
write them: every field quoted or none, status and dateLastModified filled in a bulk set
although the specification leaves them blank, ISO dates with and without time, booleans in
capitals, userIds as ``{type:id}`` lists, multiple orgSourcedIds and grades in one quoted
cell, ``metadata.*`` extension columns, a byte-order mark, CRLF line ends, and files the
importer has no use for (classes, enrollments, academicSessions, demographics).

Each set is a {file name: bytes} dict, the text written out by hand as the exporter would,
never generated from what the importer expects. The people are invented.
"""

# The files' lines are as long as their exporters write them.
# ruff: noqa: E501

from __future__ import annotations

import codecs

from tests.people.roster_files import zip_bytes

CRLF = "\r\n"


def _file(text: str, bom: bool = False, newline: str = "\n") -> bytes:
    """A file's bytes from its text as written here (one line per row, LF)."""
    data = text.strip("\n").replace("\n", newline) + newline
    return (codecs.BOM_UTF8 if bom else b"") + data.encode()


def zipped(files: dict[str, bytes], folder: str = "") -> bytes:
    return zip_bytes({folder + name: data for name, data in files.items()})


# --- OneRoster 1.1, bulk, as a large SIS's scheduled export writes it --------------------------
# Every field quoted, CRLF, status and dateLastModified filled although the set is bulk,
# a department under a school, a teacher whose only org is that department, a teacher at
# two schools, a district administrator, an email in the username only, a teacher without
# any address, students without email, a guardian, files Rapport has no use for.

SIS_1_1 = {
    "manifest.csv": _file(
        """
"propertyName","value"
"manifest.version","1.0"
"oneroster.version","1.1"
"file.academicSessions","bulk"
"file.categories","absent"
"file.classes","bulk"
"file.classResources","absent"
"file.courses","bulk"
"file.courseResources","absent"
"file.demographics","bulk"
"file.enrollments","bulk"
"file.lineItems","absent"
"file.orgs","bulk"
"file.resources","absent"
"file.results","absent"
"file.users","bulk"
"source.systemName","Heronsgate SIS"
"source.systemCode","HSIS-7"
""",
        newline=CRLF,
    ),
    "orgs.csv": _file(
        """
"sourcedId","status","dateLastModified","name","type","identifier","parentSourcedId"
"D-1001","active","2026-07-01T04:12:09.000Z","Marlow Valley School District","district","0612345",""
"S-1101","active","2026-07-01T04:12:09.000Z","Birchwood Elementary School","school","101","D-1001"
"S-1102","active","2026-07-01T04:12:09.000Z","Marlow Valley High School","school","102","D-1001"
"DEP-1102-SCI","active","2026-07-01T04:12:09.000Z","Science Department","department","","S-1102"
""",
        newline=CRLF,
    ),
    "users.csv": _file(
        """
"sourcedId","status","dateLastModified","enabledUser","orgSourcedIds","role","username","userIds","givenName","familyName","middleName","identifier","email","sms","phone","agentSourcedIds","grades","password"
"T-50017","active","2026-07-01T04:12:09.000Z","true","S-1101","teacher","apatel","{LDAP:apatel},{SIS:50017}","Anjali","Patel","R","50017","apatel@marlowvalley.k12.example.us","","","","01,02",""
"T-50018","active","2026-07-01T04:12:09.000Z","true","S-1101,S-1102","teacher","dokafor","{LDAP:dokafor}","David","Okafor","","50018","DOkafor@MarlowValley.k12.example.us","","(555) 201-3344","","KG,01,09",""
"T-50019","active","2026-07-01T04:12:09.000Z","true","DEP-1102-SCI","teacher","lmarchetti","","Lucia","Marchetti","","50019","lmarchetti@marlowvalley.k12.example.us","","","","10,11,12",""
"T-50020","active","2026-07-01T04:12:09.000Z","true","S-1102","teacher","gwen.ashby@marlowvalley.k12.example.us","","Gwen","Ashby","","50020","","","","","",""
"T-50021","active","2026-07-01T04:12:09.000Z","true","S-1102","teacher","sub4471","","Ray","Lindqvist","","50021","","","","","",""
"A-7001","active","2026-07-01T04:12:09.000Z","true","S-1102","administrator","hbrennan","","Helen","Brennan","","7001","hbrennan@marlowvalley.k12.example.us","","","","",""
"A-7002","active","2026-07-01T04:12:09.000Z","true","D-1001","administrator","fadeyemi","","Folake","Adeyemi","","7002","fadeyemi@marlowvalley.k12.example.us","","","","",""
"ST-900001","active","2026-07-01T04:12:09.000Z","true","S-1101","student","900001","{SIS:900001}","Milo","Fernsby","","900001","","","","G-800001","02",""
"ST-900002","active","2026-07-01T04:12:09.000Z","true","S-1102","student","900002","","Priya","Raman","","900002","900002@students.marlowvalley.example.us","","","","10",""
"G-800001","active","2026-07-01T04:12:09.000Z","true","S-1101","guardian","","","Nora","Fernsby","","","nora.fernsby@mail.example.com","","555-0101","ST-900001","",""
""",
        newline=CRLF,
    ),
    "academicSessions.csv": _file(
        """
"sourcedId","status","dateLastModified","title","type","startDate","endDate","parentSourcedId","schoolYear"
"Y2027","active","2026-07-01T04:12:09.000Z","2026-2027","schoolYear","2026-08-17","2027-06-11","","2027"
""",
        newline=CRLF,
    ),
    "classes.csv": _file(
        """
"sourcedId","status","dateLastModified","title","grades","courseSourcedId","classCode","classType","location","schoolSourcedId","termSourcedIds","subjects","subjectCodes","periods"
"C-1","active","2026-07-01T04:12:09.000Z","Biology 1","10","CO-1","BIO1-01","scheduled","Room 12","S-1102","Y2027","Science","","1"
""",
        newline=CRLF,
    ),
    "courses.csv": _file(
        """
"sourcedId","status","dateLastModified","schoolYearSourcedId","title","courseCode","grades","orgSourcedId","subjects","subjectCodes"
"CO-1","active","2026-07-01T04:12:09.000Z","Y2027","Biology","BIO1","10","S-1102","Science",""
""",
        newline=CRLF,
    ),
    "enrollments.csv": _file(
        """
"sourcedId","status","dateLastModified","classSourcedId","schoolSourcedId","userSourcedId","role","primary","beginDate","endDate"
"E-1","active","2026-07-01T04:12:09.000Z","C-1","S-1102","T-50019","teacher","true","2026-08-17","2027-06-11"
"E-2","active","2026-07-01T04:12:09.000Z","C-1","S-1102","ST-900002","student","false","2026-08-17","2027-06-11"
""",
        newline=CRLF,
    ),
    "demographics.csv": _file(
        """
"sourcedId","status","dateLastModified","birthDate","sex","americanIndianOrAlaskaNative","asian","blackOrAfricanAmerican","nativeHawaiianOrOtherPacificIslander","white","demographicRaceTwoOrMoreRaces","hispanicOrLatinoEthnicity","countryOfBirthCode","stateOfBirthAbbreviation","cityOfBirth","publicSchoolResidenceStatus"
"ST-900001","active","2026-07-01T04:12:09.000Z","2018-03-09","male","false","false","false","false","true","false","false","US","CA","Fresno",""
""",
        newline=CRLF,
    ),
}


# --- OneRoster 1.2, bulk, as a district SIS's 1.2 export writes it -----------------------------
# Roles in roles.csv (users.csv has no role or orgSourcedIds), userProfiles.csv, the manifest
# listing every 1.2 file (some with an empty value), file names as the binding spells them
# (academicSessions.csv, userProfiles.csv), a BOM on every file, metadata.* columns, preferred
# names, a teacher whose address is only in their user profile, a principal, a district
# administrator, a site administrator, a counselor, a system administrator, a teacher whose
# role at one school ended in June, a parent who is also a teacher, a student.

SIS_1_2 = {
    "manifest.csv": _file(
        """
propertyName,value
manifest.version,1.0
oneroster.version,1.2
file.academicSessions,bulk
file.categories,absent
file.classes,absent
file.classResources,absent
file.courses,absent
file.courseResources,absent
file.demographics,absent
file.enrollments,absent
file.lineItemLearningObjectiveIds,absent
file.lineItems,absent
file.lineItemScoreScales,absent
file.orgs,bulk
file.resources,absent
file.resultLearningObjectiveIds,absent
file.results,absent
file.resultScoreScales,absent
file.roles,bulk
file.scoreScales,
file.userProfiles,bulk
file.userResources,
file.users,bulk
source.systemName,Kestrel Campus
source.systemCode,
""",
        bom=True,
    ),
    "orgs.csv": _file(
        """
sourcedId,status,dateLastModified,name,type,identifier,parentSourcedId,metadata.kc.stateCode
f1e2d3c4-0000-4000-8000-000000000001,active,2026-08-02T06:00:00Z,Tamsin Bay Unified,district,TBU,,CA-99
f1e2d3c4-0000-4000-8000-000000000011,active,2026-08-02T06:00:00Z,Harbor Lights Elementary,school,HLE,f1e2d3c4-0000-4000-8000-000000000001,CA-99-11
f1e2d3c4-0000-4000-8000-000000000012,active,2026-08-02T06:00:00Z,Seacliff Middle School,school,SMS,f1e2d3c4-0000-4000-8000-000000000001,CA-99-12
""",
        bom=True,
    ),
    "users.csv": _file(
        """
sourcedId,status,dateLastModified,enabledUser,username,userIds,givenName,familyName,middleName,identifier,email,sms,phone,agentSourcedIds,grades,password,userMasterIdentifier,resourceSourcedIds,preferredGivenName,preferredMiddleName,preferredFamilyName,primaryOrgSourcedId,pronouns,metadata.kc.staffNumber
u-3001,active,2026-08-02T06:00:00Z,TRUE,mnakamura,{SIS:3001},Mariko,Nakamura,,3001,mnakamura@tamsinbay.example.org,,,,,,3001,,Mari,,,f1e2d3c4-0000-4000-8000-000000000011,she/her,S3001
u-3002,active,2026-08-02T06:00:00Z,TRUE,tquinn,,Thomas,Quinn,,3002,,,,,"06,07,08",,,,,,,f1e2d3c4-0000-4000-8000-000000000012,,S3002
u-3003,active,2026-08-02T06:00:00Z,TRUE,ebarros,,Elena,Barros,,3003,ebarros@tamsinbay.example.org,,,,,,,,,,,f1e2d3c4-0000-4000-8000-000000000012,,S3003
u-3004,active,2026-08-02T06:00:00Z,TRUE,kowusu,,Kwame,Owusu,,3004,kowusu@tamsinbay.example.org,,,,,,,,,,,f1e2d3c4-0000-4000-8000-000000000001,,S3004
u-3005,active,2026-08-02T06:00:00Z,TRUE,jfoley,,Jane,Foley,,3005,jfoley@tamsinbay.example.org,,,,,,,,,,,f1e2d3c4-0000-4000-8000-000000000001,,S3005
u-3006,active,2026-08-02T06:00:00Z,TRUE,cmbeki,,Chidi,Mbeki,,3006,cmbeki@tamsinbay.example.org,,,,,,,,,,,f1e2d3c4-0000-4000-8000-000000000011,,S3006
u-3007,active,2026-08-02T06:00:00Z,TRUE,itadmin,,Sam,Reyes,,3007,it.help@tamsinbay.example.org,,,,,,,,,,,f1e2d3c4-0000-4000-8000-000000000001,,S3007
u-3008,active,2026-08-02T06:00:00Z,FALSE,lgrant,,Lena,Grant,,3008,lgrant@tamsinbay.example.org,,,,,,,,,,,f1e2d3c4-0000-4000-8000-000000000011,,S3008
u-3009,active,2026-08-02T06:00:00Z,TRUE,phale,,Pia,Hale,,3009,phale@tamsinbay.example.org,,,,,,,,,,,f1e2d3c4-0000-4000-8000-000000000012,,S3009
u-9001,active,2026-08-02T06:00:00Z,TRUE,ozhang27,,Oscar,Zhang,,9001,,,,,07,,,,,,,f1e2d3c4-0000-4000-8000-000000000012,,
""",
        bom=True,
    ),
    "roles.csv": _file(
        """
sourcedId,status,dateLastModified,userSourcedId,roleType,role,beginDate,endDate,orgSourcedId,userProfileSourcedId
r-1,active,2026-08-02T06:00:00Z,u-3001,primary,teacher,2026-08-17,,f1e2d3c4-0000-4000-8000-000000000011,
r-2,active,2026-08-02T06:00:00Z,u-3002,primary,teacher,2026-08-17,2027-06-11,f1e2d3c4-0000-4000-8000-000000000012,up-3002
r-3,active,2026-08-02T06:00:00Z,u-3003,primary,principal,2024-07-01,,f1e2d3c4-0000-4000-8000-000000000012,
r-4,active,2026-08-02T06:00:00Z,u-3004,primary,districtAdministrator,2019-07-01,,f1e2d3c4-0000-4000-8000-000000000001,
r-5,active,2026-08-02T06:00:00Z,u-3005,primary,siteAdministrator,2021-07-01,,f1e2d3c4-0000-4000-8000-000000000001,
r-6,active,2026-08-02T06:00:00Z,u-3006,primary,counselor,2022-08-15,,f1e2d3c4-0000-4000-8000-000000000011,
r-7,active,2026-08-02T06:00:00Z,u-3007,primary,systemAdministrator,2018-01-01,,f1e2d3c4-0000-4000-8000-000000000001,
r-8,active,2026-08-02T06:00:00Z,u-3008,primary,teacher,2025-08-18,,f1e2d3c4-0000-4000-8000-000000000011,
r-9,active,2026-08-02T06:00:00Z,u-3009,primary,teacher,2026-08-17,,f1e2d3c4-0000-4000-8000-000000000012,
r-10,active,2026-08-02T06:00:00Z,u-3009,secondary,teacher,2024-08-19,2026-06-12,f1e2d3c4-0000-4000-8000-000000000011,
r-11,active,2026-08-02T06:00:00Z,u-3009,secondary,parent,,,f1e2d3c4-0000-4000-8000-000000000012,
r-12,active,2026-08-02T06:00:00Z,u-9001,primary,student,2026-08-17,,f1e2d3c4-0000-4000-8000-000000000012,
""",
        bom=True,
    ),
    "userProfiles.csv": _file(
        """
sourcedId,status,dateLastModified,userSourcedId,profileType,vendorId,applicationId,description,credentialType,username,password
up-3002,active,2026-08-02T06:00:00Z,u-3002,sso,Kestrel,portal,District sign-in,saml,thomas.quinn@tamsinbay.example.org,
up-9001,active,2026-08-02T06:00:00Z,u-9001,sso,Kestrel,portal,District sign-in,saml,ozhang27@students.tamsinbay.example.org,
""",
        bom=True,
    ),
    "academicSessions.csv": _file(
        """
sourcedId,status,dateLastModified,title,type,startDate,endDate,parentSourcedId,schoolYear
as-2027,active,2026-08-02T06:00:00Z,2026-27,schoolYear,2026-08-17,2027-06-11,,2027
""",
        bom=True,
    ),
}


# --- OneRoster 1.2, delta, the week after SIS_1_2 ----------------------------------------------
# Only what changed: no orgs.csv (file.orgs absent), so the roles name schools the set does not
# describe; a teacher who left (a tobedeleted row with nothing but its keys), a new teacher, a
# role that ends (its roles.csv row tobedeleted), a user row for someone Rapport never had.
# Columns in another order than the bulk set, and a metadata column of another vendor.

SIS_1_2_DELTA = {
    "manifest.csv": _file(
        """
propertyName,value
manifest.version,1.0
oneroster.version,1.2
file.orgs,absent
file.users,delta
file.roles,delta
file.userProfiles,absent
source.systemName,Kestrel Campus
"""
    ),
    "users.csv": _file(
        """
sourcedId,status,dateLastModified,givenName,familyName,email,username,enabledUser,preferredGivenName,preferredFamilyName,userIds,middleName,identifier,sms,phone,agentSourcedIds,grades,password,userMasterIdentifier,resourceSourcedIds,preferredMiddleName,primaryOrgSourcedId,pronouns,metadata.sync.batch
u-3001,tobedeleted,2026-08-09T06:00:00Z,,,,,,,,,,,,,,,,,,,,,b-212
u-3010,active,2026-08-09T06:00:00Z,Ines,Carvalho,icarvalho@tamsinbay.example.org,icarvalho,true,,,,,3010,,,,,,,,,f1e2d3c4-0000-4000-8000-000000000011,,b-212
u-4404,tobedeleted,2026-08-09T06:00:00Z,,,,,,,,,,,,,,,,,,,,,b-212
"""
    ),
    "roles.csv": _file(
        """
sourcedId,status,dateLastModified,userSourcedId,roleType,role,beginDate,endDate,orgSourcedId,userProfileSourcedId
r-9,tobedeleted,2026-08-09T06:00:00Z,u-3009,primary,teacher,2026-08-17,,f1e2d3c4-0000-4000-8000-000000000012,
r-13,active,2026-08-09T06:00:00Z,u-3010,primary,teacher,2026-08-24,,f1e2d3c4-0000-4000-8000-000000000011,
r-14,active,2026-08-09T06:00:00Z,u-3003,secondary,principal,2026-08-24,,f1e2d3c4-0000-4000-8000-000000000011,
"""
    ),
}


# --- OneRoster 1.1, re-saved in a spreadsheet by a district's data clerk -------------------------
# Headers in other capitals and another order, booleans in capitals, role and type
# capitalised, a name holding a comma and a line break (quoted), a dateLastModified the
# spreadsheet rewrote, blank lines, schools with no district above them: one under a local
# authority (itself under a state and a national org), one with no parent at all, in a set
# that has no district org. File names in capitals too.

SPREADSHEET_1_1 = {
    "Manifest.CSV": _file(
        """
propertyName,value
manifest.version,1.0
oneroster.version,1.1
file.orgs,bulk
file.users,bulk
""",
        newline=CRLF,
    ),
    "ORGS.csv": _file(
        """
SourcedId,Name,Type,ParentSourcedId,Identifier,Status,DateLastModified
NAT-1,Ministry of Schools,National,,,,
ST-7,Northern State Education Office,State,NAT-1,,,
LA-40,Fenmoor Local Authority,Local,ST-7,,,
SCH-4001,Fenmoor Primary,School,LA-40,4001,,
SCH-4002,Saltmarsh Academy,School,,4002,,
""",
        newline=CRLF,
    ),
    "Users.csv": _file(
        """
SourcedId,GivenName,FamilyName,Role,OrgSourcedIds,Email,Username,EnabledUser,Status,DateLastModified,MiddleName,Grades
U-1,Aoife,"O'Neill, Jr.",Teacher,SCH-4001,aoife.oneill@fenmoor.example.sch.uk,aoneill,TRUE,,8/15/2026 3:04 PM,,

U-2,"Bartholomew
(Bart)",Okonjo-Reyes,Teacher,"SCH-4001, SCH-4002",BART.OKONJO@FENMOOR.EXAMPLE.SCH.UK,bokonjo,TRUE,,8/15/2026 3:04 PM,,
U-3,Cerys,Llewellyn,Administrator,SCH-4002,cllewellyn@saltmarsh.example.sch.uk,cllewellyn,TRUE,,8/15/2026 3:04 PM,,
U-4,Dmitri,Volkov,Administrator,LA-40,dvolkov@fenmoor-la.example.gov.uk,dvolkov,TRUE,,8/15/2026 3:04 PM,,
U-5,Esme,Hart,Administrator,ST-7,ehart@northern.example.gov.uk,ehart,TRUE,,8/15/2026 3:04 PM,,
U-6,Finn,Byrne,Teacher,NAT-1,fbyrne@ministry.example.gov.uk,fbyrne,FALSE,,8/15/2026 3:04 PM,,
""",
        newline=CRLF,
    ),
}


# --- OneRoster 1.1, the smallest set a rostering service sends -----------------------------------
# No manifest; only orgs.csv and users.csv with the columns it fills, in its own order; a
# school whose parent is an org the set leaves out; unquoted LF.

MINIMAL_1_1 = {
    "orgs.csv": _file(
        """
sourcedId,name,type,parentSourcedId
5f0c,Juniper Ridge Elementary,school,9a11
"""
    ),
    "users.csv": _file(
        """
sourcedId,role,orgSourcedIds,givenName,familyName,email,username
7d21,teacher,5f0c,Hana,Sato,hana.sato@juniper.example.org,hsato
7d22,student,5f0c,Leo,Brandt,,lbrandt
"""
    ),
}


# --- An exchange of the manifest alone, which OneRoster says means nothing changed ------------

MANIFEST_ONLY = {
    "manifest.csv": _file(
        """
propertyName,value
manifest.version,1.0
oneroster.version,1.2
file.orgs,absent
file.users,absent
file.roles,absent
"""
    ),
}
