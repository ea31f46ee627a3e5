<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="de" sourcelanguage="en">
<context>
    <name>errors</name>
    <message>
        <extracomment>code: no_such_file</extracomment>
        <source>no such file</source>
        <translation>Datei nicht gefunden</translation>
    </message>
    <message>
        <extracomment>code: is_folder</extracomment>
        <source>is a folder; give the files (or use load_many)</source>
        <translation>ist ein Ordner; bitte die Dateien angeben (oder den Ordner als Kacheln öffnen)</translation>
    </message>
    <message>
        <extracomment>code: permission_denied</extracomment>
        <source>cannot read file (permission denied)</source>
        <translation>Datei kann nicht gelesen werden (keine Leseberechtigung)</translation>
    </message>
    <message>
        <extracomment>code: cannot_read</extracomment>
        <source>cannot read file ({reason})</source>
        <translation>Datei kann nicht gelesen werden ({reason})</translation>
    </message>
    <message>
        <extracomment>code: empty_file</extracomment>
        <source>file is empty</source>
        <translation>die Datei ist leer</translation>
    </message>
    <message>
        <extracomment>code: unknown_format</extracomment>
        <source>not a CityJSON or CityGML file (unrecognised content)</source>
        <translation>keine CityJSON- oder CityGML-Datei (Inhalt nicht erkannt)</translation>
    </message>
    <message>
        <extracomment>code: folder_without_models</extracomment>
        <source>folder holds no CityJSON or CityGML files</source>
        <translation>der Ordner enthält keine CityJSON- oder CityGML-Dateien</translation>
    </message>
    <message>
        <extracomment>code: crs_differs</extracomment>
        <source>CRS {crs} differs from {other} of {first}</source>
        <translation>Koordinatensystem {crs} weicht von {other} der Datei {first} ab</translation>
    </message>
    <message>
        <extracomment>code: truncated</extracomment>
        <source>the file ends early (cut off after {size_mb} MB): it is incomplete, e.g. an interrupted download or copy</source>
        <translation>die Datei endet vorzeitig (abgeschnitten nach {size_mb} MB): sie ist unvollständig, z. B. durch einen abgebrochenen Download oder Kopiervorgang</translation>
    </message>
    <message>
        <extracomment>code: truncated_xml</extracomment>
        <source>the file ends early (cut off in line {line}): it is incomplete, e.g. an interrupted download or copy</source>
        <translation>die Datei endet vorzeitig (abgeschnitten in Zeile {line}): sie ist unvollständig, z. B. durch einen abgebrochenen Download oder Kopiervorgang</translation>
    </message>
    <message>
        <extracomment>code: truncated_partly_read</extracomment>
        <source>the file ends early (cut off in line {line}): only the {n} object(s) before that point were read</source>
        <translation>die Datei endet vorzeitig (abgeschnitten in Zeile {line}): nur die {n} Objekt(e) davor wurden gelesen</translation>
    </message>
    <message>
        <extracomment>code: invalid_json</extracomment>
        <source>invalid JSON in line {line}, column {column} ({detail})</source>
        <translation>ungültiges JSON in Zeile {line}, Spalte {column} ({detail})</translation>
    </message>
    <message>
        <extracomment>code: invalid_json_line</extracomment>
        <source>line {line}: invalid JSON ({detail})</source>
        <translation>Zeile {line}: ungültiges JSON ({detail})</translation>
    </message>
    <message>
        <extracomment>code: json_too_large</extracomment>
        <source>file is {size_gb} GB, too large to load as one JSON document (limit {limit_gb} GB); convert it to CityJSONSeq (.city.jsonl), which is streamed</source>
        <translation>die Datei ist {size_gb} GB groß, zu groß für ein einzelnes JSON-Dokument (Grenze {limit_gb} GB); bitte in CityJSONSeq (.city.jsonl) umwandeln, das stückweise gelesen wird</translation>
    </message>
    <message>
        <extracomment>code: json_needs_memory</extracomment>
        <source>file is {size_mb} MB; reading it as one JSON document needs about {need_gb} GB of memory but only {free_gb} GB are free; convert it to CityJSONSeq (.city.jsonl), which is streamed</source>
        <translation>die Datei ist {size_mb} MB groß; als ein JSON-Dokument braucht sie etwa {need_gb} GB Arbeitsspeicher, frei sind nur {free_gb} GB; bitte in CityJSONSeq (.city.jsonl) umwandeln, das stückweise gelesen wird</translation>
    </message>
    <message>
        <extracomment>code: not_cityjson_object</extracomment>
        <source>not a CityJSON file (top level is not a JSON object)</source>
        <translation>keine CityJSON-Datei (die oberste Ebene ist kein JSON-Objekt)</translation>
    </message>
    <message>
        <extracomment>code: not_cityjson_no_type</extracomment>
        <source>not a CityJSON file (no "type": "CityJSON" at the top level)</source>
        <translation>keine CityJSON-Datei (kein "type": "CityJSON" auf der obersten Ebene)</translation>
    </message>
    <message>
        <extracomment>code: not_cityjson_type</extracomment>
        <source>not a CityJSON file (type is {type})</source>
        <translation>keine CityJSON-Datei (Typ ist {type})</translation>
    </message>
    <message>
        <extracomment>code: cityjson_no_version</extracomment>
        <source>CityJSON file has no 'version'</source>
        <translation>der CityJSON-Datei fehlt die Angabe 'version'</translation>
    </message>
    <message>
        <extracomment>code: cityjson_version</extracomment>
        <source>unsupported CityJSON version {version} (versions 1.0, 1.1 and 2.0 are read)</source>
        <translation>nicht unterstützte CityJSON-Version {version} (gelesen werden die Versionen 1.0, 1.1 und 2.0)</translation>
    </message>
    <message>
        <extracomment>code: cityjson_no_cityobjects</extracomment>
        <source>CityJSON file has no 'CityObjects'</source>
        <translation>der CityJSON-Datei fehlen die 'CityObjects'</translation>
    </message>
    <message>
        <extracomment>code: cityjsonseq_pretty</extracomment>
        <source>line 1 is not a complete JSON object: CityJSONSeq needs one object per line (the file looks pretty-printed)</source>
        <translation>Zeile 1 ist kein vollständiges JSON-Objekt: CityJSONSeq braucht ein Objekt je Zeile (die Datei scheint formatiert zu sein)</translation>
    </message>
    <message>
        <extracomment>code: cityjsonseq_header</extracomment>
        <source>line 1: a CityJSONSeq must start with a CityJSON header object</source>
        <translation>Zeile 1: eine CityJSONSeq-Datei muss mit einem CityJSON-Kopfobjekt beginnen</translation>
    </message>
    <message>
        <extracomment>code: malformed_xml</extracomment>
        <source>malformed XML in line {line} ({detail})</source>
        <translation>fehlerhaftes XML in Zeile {line} ({detail})</translation>
    </message>
    <message>
        <extracomment>code: not_xml</extracomment>
        <source>not well-formed XML in line {line} ({detail})</source>
        <translation>kein wohlgeformtes XML in Zeile {line} ({detail})</translation>
    </message>
    <message>
        <extracomment>code: no_xml_root</extracomment>
        <source>no XML root element found</source>
        <translation>kein XML-Wurzelelement gefunden</translation>
    </message>
    <message>
        <extracomment>code: not_citygml</extracomment>
        <source>not CityGML: the root element is &lt;{root}&gt; in namespace {namespace} (expected a CityGML 1.0, 2.0 or 3.0 CityModel)</source>
        <translation>kein CityGML: das Wurzelelement ist &lt;{root}&gt; im Namensraum {namespace} (erwartet: ein CityModel nach CityGML 1.0, 2.0 oder 3.0)</translation>
    </message>
    <message>
        <extracomment>code: no_geometry</extracomment>
        <source>nothing to show: the model has no surface geometry</source>
        <translation>nichts darzustellen: das Modell hat keine Flächengeometrie</translation>
    </message>
</context>
<context>
    <name>report</name>
    <message>
        <source>Council report</source>
        <translation>Bericht für den Rat</translation>
    </message>
    <message>
        <source>Variants</source>
        <translation>Varianten</translation>
    </message>
    <message>
        <source>Date</source>
        <translation>Datum</translation>
    </message>
    <message>
        <source>Coordinate reference system</source>
        <translation>Koordinatenreferenzsystem</translation>
    </message>
    <message>
        <source>Data source</source>
        <translation>Datenquelle</translation>
    </message>
    <message>
        <source>Data credit</source>
        <translation>Quellenvermerk</translation>
    </message>
    <message>
        <source>Analyses in this report</source>
        <translation>Analysen in diesem Bericht</translation>
    </message>
    <message>
        <source>What changed</source>
        <translation>Was sich ändert</translation>
    </message>
    <message>
        <source>Parameters</source>
        <translation>Parameter</translation>
    </message>
    <message>
        <source>Legend</source>
        <translation>Legende</translation>
    </message>
    <message>
        <source>page {n} of {total}</source>
        <translation>Seite {n} von {total}</translation>
    </message>
    <message>
        <source>no analysis was run</source>
        <translation>keine Analyse gerechnet</translation>
    </message>
    <message>
        <source>Demolished: {names}</source>
        <translation>Abriss: {names}</translation>
    </message>
    <message>
        <source>New buildings: {names}</source>
        <translation>Neubau: {names}</translation>
    </message>
    <message>
        <source>Height set: {names}</source>
        <translation>Höhe geändert: {names}</translation>
    </message>
    <message>
        <source>Moved or turned: {names}</source>
        <translation>Verschoben oder gedreht: {names}</translation>
    </message>
    <message>
        <source>Other edits: {n}</source>
        <translation>Weitere Änderungen: {n}</translation>
    </message>
    <message>
        <source>no edits</source>
        <translation>keine Änderungen</translation>
    </message>
    <message>
        <source>not computed for this variant</source>
        <translation>für diese Variante nicht gerechnet</translation>
    </message>
    <message>
        <source>Δ against Bestand</source>
        <translation>Δ gegenüber dem Bestand</translation>
    </message>
    <message>
        <source>unknown</source>
        <translation>unbekannt</translation>
    </message>
    <message>
        <source>Map of {variant}</source>
        <translation>Karte: {variant}</translation>
    </message>
    <message>
        <source>Created with Stadtbild {version}</source>
        <translation>Erstellt mit Stadtbild {version}</translation>
    </message>
    <message>
        <source>Figures per variant</source>
        <translation>Kennzahlen je Variante</translation>
    </message>
    <message>
        <source>Computed for</source>
        <translation>Gerechnet für</translation>
    </message>
</context>
</TS>
