<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="de" sourcelanguage="en">
<context>
    <name></name>
    <message>
        <location filename="../analysis.py" line="102"/>
        <source>Building height (ridge)</source>
        <translation>Gebäudehöhe (First)</translation>
    </message>
    <message>
        <location filename="../analysis.py" line="103"/>
        <location filename="../colour_themes.py" line="30"/>
        <source>Eave height</source>
        <translation>Traufhöhe</translation>
    </message>
    <message>
        <location filename="../analysis.py" line="104"/>
        <source>Footprint area</source>
        <translation>Grundfläche</translation>
    </message>
    <message>
        <location filename="../analysis.py" line="105"/>
        <source>Roof area</source>
        <translation>Dachfläche</translation>
    </message>
    <message>
        <location filename="../analysis.py" line="106"/>
        <location filename="../colour_themes.py" line="32"/>
        <source>Volume</source>
        <translation>Volumen</translation>
    </message>
    <message>
        <location filename="../analysis.py" line="120"/>
        <source>Building metrics</source>
        <translation>Gebäudekennzahlen</translation>
    </message>
    <message>
        <location filename="../analysis.py" line="123"/>
        <source>Colours every building by a townscape metric (heights, areas, volume).</source>
        <translation>Färbt jedes Gebäude nach einer Kennzahl des Stadtbilds (Höhen, Flächen, Volumen).</translation>
    </message>
    <message>
        <location filename="../analysis.py" line="126"/>
        <source>Metric</source>
        <translation>Kennzahl</translation>
    </message>
    <message>
        <location filename="../analysis.py" line="162"/>
        <source>{n} buildings, mean {mean} {unit}</source>
        <translation>{n} Gebäude, Mittelwert {mean} {unit}</translation>
    </message>
    <message>
        <location filename="../analysis.py" line="191"/>
        <location filename="../analysis_calls.py" line="177"/>
        <source>Shadow</source>
        <translation>Schatten</translation>
    </message>
    <message>
        <location filename="../analysis.py" line="178"/>
        <location filename="../analysis.py" line="335"/>
        <source>Grid spacing [m]</source>
        <translation>Rasterweite [m]</translation>
    </message>
    <message>
        <location filename="../analysis.py" line="219"/>
        <location filename="../analysis_calls.py" line="214"/>
        <source>Sun hours</source>
        <translation>Sonnenstunden</translation>
    </message>
    <message>
        <location filename="../analysis.py" line="222"/>
        <source>Hours of direct sun on the ground over the chosen day (time steps ≤ 10 min).</source>
        <translation>Stunden direkter Sonne auf dem Boden am gewählten Tag (Zeitschritte ≤ 10 min).</translation>
    </message>
    <message>
        <location filename="../analysis.py" line="226"/>
        <location filename="../analysis.py" line="514"/>
        <source>Time step [min]</source>
        <translation>Zeitschritt [min]</translation>
    </message>
    <message>
        <location filename="../analysis.py" line="298"/>
        <location filename="../analysis_calls.py" line="302"/>
        <location filename="../analysis_calls.py" line="305"/>
        <source>Sightline</source>
        <translation>Sichtachse</translation>
    </message>
    <message>
        <location filename="../analysis.py" line="301"/>
        <source>Is the target visible from the viewpoint? Pick both points in the 3D view.</source>
        <translation>Ist das Ziel vom Standpunkt aus sichtbar? Beide Punkte in der 3D-Ansicht wählen.</translation>
    </message>
    <message>
        <location filename="../analysis.py" line="265"/>
        <source>Eye height [m]</source>
        <translation>Augenhöhe [m]</translation>
    </message>
    <message>
        <location filename="../analysis.py" line="295"/>
        <location filename="../analysis.py" line="321"/>
        <location filename="../analysis.py" line="353"/>
        <source>Pick viewpoint</source>
        <translation>Standpunkt wählen</translation>
    </message>
    <message>
        <location filename="../analysis.py" line="295"/>
        <location filename="../analysis.py" line="353"/>
        <source>Pick target</source>
        <translation>Ziel wählen</translation>
    </message>
    <message>
        <location filename="../analysis.py" line="324"/>
        <location filename="../analysis_calls.py" line="360"/>
        <location filename="../analysis_calls.py" line="363"/>
        <source>Viewshed</source>
        <translation>Sichtfeld</translation>
    </message>
    <message>
        <location filename="../analysis.py" line="327"/>
        <source>Ground and facades visible from the viewpoint within the radius. Pick the viewpoint in the 3D view.</source>
        <translation>Boden und Fassaden, die vom Standpunkt aus im Radius sichtbar sind. Standpunkt in der 3D-Ansicht wählen.</translation>
    </message>
    <message>
        <location filename="../analysis.py" line="331"/>
        <source>Radius [m]</source>
        <translation>Radius [m]</translation>
    </message>
    <message>
        <location filename="../analysis.py" line="356"/>
        <location filename="../analysis_calls.py" line="421"/>
        <location filename="../analysis_calls.py" line="424"/>
        <source>View corridor</source>
        <translation>Sichtachse (Korridor)</translation>
    </message>
    <message>
        <location filename="../analysis.py" line="359"/>
        <source>Protected view (Sichtachse) to a landmark: buildings rising above the sight plane are shown in red.</source>
        <translation>Geschützte Sichtachse zu einer Landmarke: Gebäude, die über die Sichtebene ragen, werden rot gezeigt.</translation>
    </message>
    <message>
        <location filename="../analysis.py" line="363"/>
        <source>Half opening angle [°]</source>
        <translation>Halber Öffnungswinkel [°]</translation>
    </message>
    <message>
        <location filename="../analysis.py" line="382"/>
        <location filename="../analysis_calls.py" line="458"/>
        <source>Solar potential</source>
        <translation>Solarpotenzial</translation>
    </message>
    <message>
        <location filename="../analysis.py" line="385"/>
        <source>Annual irradiation on roofs (direct + diffuse, Perez sky) and PV yield per building.</source>
        <translation>Jährliche Einstrahlung auf Dächer (direkt + diffus, Perez-Himmel) und PV-Ertrag je Gebäude.</translation>
    </message>
    <message>
        <location filename="../analysis.py" line="388"/>
        <source>Sample spacing on roofs [m]</source>
        <translation>Stichprobenabstand auf Dächern [m]</translation>
    </message>
    <message>
        <location filename="../analysis.py" line="414"/>
        <location filename="../analysis_calls.py" line="646"/>
        <source>Setback areas</source>
        <translation>Abstandsflächen</translation>
    </message>
    <message>
        <location filename="../analysis.py" line="417"/>
        <source>Abstandsflächen by state building code; overlaps with neighbours are shown in red.</source>
        <translation>Abstandsflächen nach Landesbauordnung; Überschneidungen mit Nachbarn werden rot gezeigt.</translation>
    </message>
    <message>
        <location filename="../analysis.py" line="420"/>
        <source>Rule</source>
        <translation>Regel</translation>
    </message>
    <message>
        <location filename="../analysis.py" line="432"/>
        <source>Parcels</source>
        <translation>Flurstücke</translation>
    </message>
    <message>
        <location filename="../analysis.py" line="445"/>
        <source>Automatic: the Land of the model</source>
        <translation>Automatisch: Bauordnung des Bundeslands des Modells</translation>
    </message>
    <message>
        <location filename="../analysis.py" line="446"/>
        <source>Load parcels…</source>
        <translation>Flurstücke laden…</translation>
    </message>
    <message>
        <location filename="../analysis.py" line="447"/>
        <source>None</source>
        <translation>Keine</translation>
    </message>
    <message>
        <location filename="../analysis.py" line="449"/>
        <source>Variant: show its new conflicts apart from the existing ones</source>
        <translation>Variante: neue Konflikte getrennt von den bestehenden zeigen</translation>
    </message>
    <message>
        <location filename="../analysis.py" line="448"/>
        <source>New conflicts apart</source>
        <translation>Neue Konflikte getrennt</translation>
    </message>
    <message>
        <location filename="../analysis.py" line="455"/>
        <location filename="../analysis.py" line="489"/>
        <source>Parcels: {file}</source>
        <translation>Flurstücke: {file}</translation>
    </message>
    <message>
        <location filename="../analysis.py" line="456"/>
        <source>No parcels: the plot boundaries are not checked</source>
        <translation>Keine Flurstücke: Grundstücksgrenzen werden nicht geprüft</translation>
    </message>
    <message>
        <location filename="../analysis.py" line="461"/>
        <source>Parcels (Flurstücke)</source>
        <translation>Flurstücke</translation>
    </message>
    <message>
        <location filename="../analysis.py" line="500"/>
        <location filename="../analysis_calls.py" line="515"/>
        <source>Facade sunlight (DIN 5034-1)</source>
        <translation>Besonnung der Fassaden (DIN 5034-1)</translation>
    </message>
    <message>
        <location filename="../analysis.py" line="503"/>
        <source>Possible sunshine at window height on every facade: ≥ 4 h on 21 March and ≥ 1 h on 17 January, sun ≥ 6° high and in front of the facade.</source>
        <translation>Mögliche Besonnungsdauer in Fensterhöhe an jeder Fassade: ≥ 4 h am 21. März und ≥ 1 h am 17. Januar, Sonnenhöhe ≥ 6°, Sonne vor der Fassade.</translation>
    </message>
    <message>
        <location filename="../analysis.py" line="507"/>
        <source>Point spacing along facades [m]</source>
        <translation>Punktabstand entlang der Fassade [m]</translation>
    </message>
    <message>
        <location filename="../analysis.py" line="510"/>
        <source>Storey height [m]</source>
        <translation>Geschosshöhe [m]</translation>
    </message>
    <message>
        <location filename="../analysis.py" line="524"/>
        <source>Compare the variant with the existing state</source>
        <translation>Variante mit dem Bestand vergleichen</translation>
    </message>
    <message>
        <location filename="../analysis.py" line="589"/>
        <source>Date</source>
        <translation>Datum</translation>
    </message>
    <message>
        <location filename="../analysis.py" line="590"/>
        <source>Local time</source>
        <translation>Ortszeit</translation>
    </message>
    <message>
        <location filename="../analysis.py" line="694"/>
        <source>Analysis</source>
        <translation>Analyse</translation>
    </message>
    <message>
        <location filename="../analysis.py" line="695"/>
        <source>Run</source>
        <translation>Starten</translation>
    </message>
    <message>
        <location filename="../analysis.py" line="696"/>
        <location filename="../main_window.py" line="391"/>
        <location filename="../project_io.py" line="556"/>
        <source>Cancel</source>
        <translation>Abbrechen</translation>
    </message>
    <message>
        <location filename="../analysis.py" line="697"/>
        <source>Clear result</source>
        <translation>Ergebnis entfernen</translation>
    </message>
    <message>
        <location filename="../analysis_calls.py" line="173"/>
        <source>Shadow on {a} m² of {g} m² open ground ({p} %); sun azimuth {az}°, elevation {el}°, {t}</source>
        <extracomment>the ground plane of the 3D view (drawn without lighting, so overlays over it have one known colour)</extracomment>
        <translation>Schatten auf {a} m² von {g} m² Freifläche ({p} %); Sonne Azimut {az}°, Höhe {el}°, {t}</translation>
    </message>
    <message>
        <location filename="../analysis_calls.py" line="178"/>
        <source>Shadow on the ground</source>
        <translation>Schatten auf dem Boden</translation>
    </message>
    <message>
        <location filename="../analysis_calls.py" line="179"/>
        <source>Sun</source>
        <translation>Sonne</translation>
    </message>
    <message>
        <location filename="../analysis_calls.py" line="210"/>
        <source>Sun hours on {d}: mean {mean} h, min {min} h, max {max} h of {pos} h possible</source>
        <translation>Sonnenstunden am {d}: Mittel {mean} h, min. {min} h, max. {max} h von {pos} h möglich</translation>
    </message>
    <message>
        <location filename="../analysis_calls.py" line="234"/>
        <location filename="../analysis_calls.py" line="374"/>
        <source>pick a viewpoint and a target in the 3D view first</source>
        <translation>bitte zuerst Standpunkt und Ziel in der 3D-Ansicht wählen</translation>
    </message>
    <message>
        <location filename="../analysis_calls.py" line="298"/>
        <source>Visible: the line of {d} m is free</source>
        <translation>Sichtbar: die Sichtlinie von {d} m ist frei</translation>
    </message>
    <message>
        <location filename="../analysis_calls.py" line="300"/>
        <source>Blocked by {n} building(s), first after {d} m: {ids}</source>
        <translation>Verdeckt durch {n} Gebäude, das erste nach {d} m: {ids}</translation>
    </message>
    <message>
        <location filename="../analysis_calls.py" line="303"/>
        <source>Sightline free</source>
        <translation>Sichtlinie frei</translation>
    </message>
    <message>
        <location filename="../analysis_calls.py" line="303"/>
        <source>Blocked / blocking building</source>
        <translation>Verdeckt / verdeckendes Gebäude</translation>
    </message>
    <message>
        <location filename="../analysis_calls.py" line="311"/>
        <source>pick a viewpoint in the 3D view first</source>
        <translation>bitte zuerst einen Standpunkt in der 3D-Ansicht wählen</translation>
    </message>
    <message>
        <location filename="../analysis_calls.py" line="357"/>
        <source>{p} % of the open ground within {r} m visible; {n} buildings visible</source>
        <translation>{p} % der Freifläche im Umkreis von {r} m sichtbar; {n} Gebäude sichtbar</translation>
    </message>
    <message>
        <location filename="../analysis_calls.py" line="361"/>
        <location filename="../geo_layers.py" line="308"/>
        <source>Visible</source>
        <translation>Sichtbar</translation>
    </message>
    <message>
        <location filename="../analysis_calls.py" line="362"/>
        <source>Hidden</source>
        <translation>Verdeckt</translation>
    </message>
    <message>
        <location filename="../analysis_calls.py" line="417"/>
        <source>{n} building(s) intrude into the view corridor, up to {h} m above the sight plane ({id})</source>
        <translation>{n} Gebäude ragen in die Sichtachse, bis {h} m über die Sichtebene ({id})</translation>
    </message>
    <message>
        <location filename="../analysis_calls.py" line="420"/>
        <source>No building intrudes into the view corridor</source>
        <translation>Kein Gebäude ragt in die Sichtachse</translation>
    </message>
    <message>
        <location filename="../analysis_calls.py" line="422"/>
        <source>Intruding building</source>
        <translation>Störendes Gebäude</translation>
    </message>
    <message>
        <location filename="../analysis_calls.py" line="422"/>
        <source>Target</source>
        <translation>Ziel</translation>
    </message>
    <message>
        <location filename="../analysis_calls.py" line="453"/>
        <source>{n} roof surfaces, mean {mean} kWh/m²·a, PV yield {total} MWh/a on {area} m² suitable</source>
        <translation>{n} Dachflächen, Mittel {mean} kWh/m²·a, PV-Ertrag {total} MWh/a auf {area} m² geeigneter Fläche</translation>
    </message>
    <message>
        <location filename="../analysis_calls.py" line="456"/>
        <source>Annual irradiation</source>
        <translation>Jährliche Einstrahlung</translation>
    </message>
    <message>
        <location filename="../analysis_calls.py" line="488"/>
        <source>Both days met (≥ 4 h equinox, ≥ 1 h 17 Jan)</source>
        <translation>Beide Tage erfüllt (≥ 4 h 21.03., ≥ 1 h 17.01.)</translation>
    </message>
    <message>
        <location filename="../analysis_calls.py" line="489"/>
        <source>Equinox only</source>
        <translation>Nur Tag-und-Nachtgleiche</translation>
    </message>
    <message>
        <location filename="../analysis_calls.py" line="490"/>
        <source>Not met</source>
        <translation>Nicht erfüllt</translation>
    </message>
    <message>
        <location filename="../analysis_calls.py" line="491"/>
        <source>Lost through the variant</source>
        <translation>Durch die Variante verloren</translation>
    </message>
    <message>
        <location filename="../analysis_calls.py" line="505"/>
        <source>{both} of {n} facade points meet DIN 5034-1 on both days, {eq} at the equinox</source>
        <translation>{both} von {n} Fassadenpunkten erfüllen DIN 5034-1 an beiden Tagen, {eq} zur Tag-und-Nachtgleiche</translation>
    </message>
    <message>
        <location filename="../analysis_calls.py" line="510"/>
        <source>{p} points on {b} buildings lose compliance in the variant</source>
        <translation>{p} Punkte an {b} Gebäuden verlieren die Besonnung durch die Variante</translation>
    </message>
    <message>
        <location filename="../analysis_calls.py" line="513"/>
        <source>Sunlight (DIN 5034-1)</source>
        <translation>Besonnung (DIN 5034-1)</translation>
    </message>
    <message>
        <location filename="../analysis_calls.py" line="524"/>
        <source>Facade check points</source>
        <translation>Fassadenpunkte</translation>
    </message>
    <message>
        <location filename="../analysis_calls.py" line="525"/>
        <source>Meeting both days</source>
        <translation>Beide Tage erfüllt</translation>
    </message>
    <message>
        <location filename="../analysis_calls.py" line="526"/>
        <source>Meeting the equinox</source>
        <translation>Tag-und-Nachtgleiche erfüllt</translation>
    </message>
    <message>
        <location filename="../analysis_calls.py" line="527"/>
        <source>Best point, equinox [h]</source>
        <translation>Bester Punkt, 21.03. [h]</translation>
    </message>
    <message>
        <location filename="../analysis_calls.py" line="528"/>
        <source>Best point, 17 January [h]</source>
        <translation>Bester Punkt, 17.01. [h]</translation>
    </message>
    <message>
        <location filename="../analysis_calls.py" line="530"/>
        <source>Points losing compliance</source>
        <translation>Punkte, die die Besonnung verlieren</translation>
    </message>
    <message>
        <location filename="../analysis_calls.py" line="624"/>
        <source>Land from the Gemeindeschlüssel</source>
        <translation>Bundesland aus dem Gemeindeschlüssel</translation>
    </message>
    <message>
        <location filename="../analysis_calls.py" line="624"/>
        <source>Land from the position</source>
        <translation>Bundesland aus der Lage</translation>
    </message>
    <message>
        <location filename="../analysis_calls.py" line="625"/>
        <source>outside Germany</source>
        <translation>außerhalb Deutschlands</translation>
    </message>
    <message>
        <location filename="../analysis_calls.py" line="628"/>
        <source>near a Land border: check the rule</source>
        <translation>nahe einer Landesgrenze: Regel prüfen</translation>
    </message>
    <message>
        <location filename="../analysis_calls.py" line="629"/>
        <source>{rule}: {walls} outer walls, {bad} with conflicts ({n} buildings)</source>
        <translation>{rule}: {walls} Außenwände, {bad} mit Konflikten ({n} Gebäude)</translation>
    </message>
    <message>
        <location filename="../analysis_calls.py" line="633"/>
        <source>the variant adds {new} conflict(s) ({b}), {old} exist already, {res} resolved</source>
        <translation>die Variante fügt {new} Konflikt(e) hinzu ({b}), {old} bestehen schon, {res} aufgelöst</translation>
    </message>
    <message>
        <location filename="../analysis_calls.py" line="636"/>
        <source>{n} parcels checked</source>
        <translation>{n} Flurstücke geprüft</translation>
    </message>
    <message>
        <location filename="../analysis_calls.py" line="637"/>
        <source>overlaps up to {a} m² or up to {w} m wide ignored as slivers ({n})</source>
        <translation>Überschneidungen bis {a} m² oder bis {w} m Breite als Splitter ignoriert ({n})</translation>
    </message>
    <message>
        <location filename="../analysis_calls.py" line="640"/>
        <source>Setback area kept</source>
        <translation>Abstandsfläche eingehalten</translation>
    </message>
    <message>
        <location filename="../analysis_calls.py" line="642"/>
        <source>New conflict of the variant</source>
        <translation>Neuer Konflikt der Variante</translation>
    </message>
    <message>
        <location filename="../analysis_calls.py" line="643"/>
        <source>Conflict in the existing state</source>
        <translation>Konflikt im Bestand</translation>
    </message>
    <message>
        <location filename="../analysis_calls.py" line="645"/>
        <source>Overlap / conflict</source>
        <translation>Überschneidung / Konflikt</translation>
    </message>
    <message>
        <location filename="../attributes.py" line="67"/>
        <source>Height (highest − lowest point) [m]</source>
        <translation>Höhe (höchster − tiefster Punkt) [m]</translation>
    </message>
    <message>
        <location filename="../attributes.py" line="68"/>
        <source>Lowest point [m]</source>
        <translation>Tiefster Punkt [m]</translation>
    </message>
    <message>
        <location filename="../attributes.py" line="69"/>
        <source>Highest point [m]</source>
        <translation>Höchster Punkt [m]</translation>
    </message>
    <message>
        <location filename="../attributes.py" line="70"/>
        <location filename="../project_io.py" line="54"/>
        <source>Footprint area [m²]</source>
        <translation>Grundfläche [m²]</translation>
    </message>
    <message>
        <location filename="../attributes.py" line="71"/>
        <source>Roof area [m²]</source>
        <translation>Dachfläche [m²]</translation>
    </message>
    <message>
        <location filename="../attributes.py" line="72"/>
        <source>Wall area [m²]</source>
        <translation>Wandfläche [m²]</translation>
    </message>
    <message>
        <location filename="../attributes.py" line="73"/>
        <source>Ground height [m]</source>
        <translation>Geländehöhe [m]</translation>
    </message>
    <message>
        <location filename="../attributes.py" line="74"/>
        <source>Eave height [m]</source>
        <translation>Traufhöhe [m]</translation>
    </message>
    <message>
        <location filename="../attributes.py" line="75"/>
        <source>Ridge height [m]</source>
        <translation>Firsthöhe [m]</translation>
    </message>
    <message>
        <location filename="../attributes.py" line="76"/>
        <location filename="../project_io.py" line="56"/>
        <source>Volume [m³]</source>
        <translation>Volumen [m³]</translation>
    </message>
    <message>
        <location filename="../attributes.py" line="77"/>
        <location filename="../colour_themes.py" line="33"/>
        <source>Roof type</source>
        <translation>Dachform</translation>
    </message>
    <message>
        <location filename="../attributes.py" line="109"/>
        <source>Building part</source>
        <translation>Gebäudeteil</translation>
    </message>
    <message>
        <location filename="../attributes.py" line="110"/>
        <source>Building installation</source>
        <translation>Gebäudeinstallation</translation>
    </message>
    <message>
        <location filename="../attributes.py" line="111"/>
        <source>Bridge</source>
        <translation>Brücke</translation>
    </message>
    <message>
        <location filename="../attributes.py" line="111"/>
        <source>Road</source>
        <translation>Straße</translation>
    </message>
    <message>
        <location filename="../attributes.py" line="112"/>
        <source>Water body</source>
        <translation>Gewässer</translation>
    </message>
    <message>
        <location filename="../attributes.py" line="113"/>
        <source>Vegetation</source>
        <translation>Vegetation</translation>
    </message>
    <message>
        <location filename="../attributes.py" line="113"/>
        <source>Tree</source>
        <translation>Baum</translation>
    </message>
    <message>
        <location filename="../attributes.py" line="114"/>
        <source>Land use</source>
        <translation>Flächennutzung</translation>
    </message>
    <message>
        <location filename="../attributes.py" line="114"/>
        <source>Other object</source>
        <translation>Sonstiges Objekt</translation>
    </message>
    <message>
        <location filename="../attributes.py" line="150"/>
        <source>Attributes</source>
        <translation>Attribute</translation>
    </message>
    <message>
        <location filename="../attributes.py" line="151"/>
        <source>Attribute</source>
        <translation>Attribut</translation>
    </message>
    <message>
        <location filename="../attributes.py" line="151"/>
        <location filename="../measure_panel.py" line="67"/>
        <source>Value</source>
        <translation>Wert</translation>
    </message>
    <message>
        <location filename="../attributes.py" line="155"/>
        <location filename="../attributes.py" line="186"/>
        <source>No object selected. Click a building in the 3D view.</source>
        <translation>Kein Objekt ausgewählt. Klicken Sie ein Gebäude in der 3D-Ansicht an.</translation>
    </message>
    <message>
        <location filename="../attributes.py" line="166"/>
        <source>Feature</source>
        <translation>Objekt Nr.</translation>
    </message>
    <message>
        <location filename="../attributes.py" line="189"/>
        <location filename="../search.py" line="91"/>
        <location filename="../search.py" line="100"/>
        <source>ID</source>
        <translation>ID</translation>
    </message>
    <message>
        <location filename="../attributes.py" line="189"/>
        <source>Type</source>
        <translation>Typ</translation>
    </message>
    <message>
        <location filename="../attributes.py" line="191"/>
        <source>Part of</source>
        <translation>Teil von</translation>
    </message>
    <message>
        <location filename="../attributes.py" line="193"/>
        <source>Parts</source>
        <translation>Teile</translation>
    </message>
    <message>
        <location filename="../attributes.py" line="196"/>
        <source>LoD</source>
        <translation>LoD</translation>
    </message>
    <message>
        <location filename="../attributes.py" line="198"/>
        <source>File</source>
        <translation>Datei</translation>
    </message>
    <message>
        <location filename="../attributes.py" line="239"/>
        <source>{n} objects selected (showing the last one clicked)</source>
        <translation>{n} Objekte ausgewählt (gezeigt: das zuletzt angeklickte)</translation>
    </message>
    <message>
        <location filename="../commands.py" line="39"/>
        <source>Demolish {id}</source>
        <translation>Abriss {id}</translation>
    </message>
    <message>
        <location filename="../commands.py" line="40"/>
        <source>Demolish {n} buildings ({names})</source>
        <translation>{n} Gebäude abreißen ({names})</translation>
    </message>
    <message>
        <location filename="../commands.py" line="50"/>
        <location filename="../main_window.py" line="1038"/>
        <source>Set height of {id} to {h} m</source>
        <translation>Höhe von {id} auf {h} m setzen</translation>
    </message>
    <message>
        <location filename="../commands.py" line="56"/>
        <source>Move {n} object</source>
        <translation>{n} Objekt verschieben</translation>
    </message>
    <message>
        <location filename="../commands.py" line="56"/>
        <source>Move {n} objects</source>
        <translation>{n} Objekte verschieben</translation>
    </message>
    <message>
        <location filename="../layers.py" line="63"/>
        <source>Layers</source>
        <translation>Ebenen</translation>
    </message>
    <message>
        <location filename="../attributes.py" line="166"/>
        <location filename="../geo_layers.py" line="113"/>
        <location filename="../layers.py" line="64"/>
        <source>Layer</source>
        <translation>Ebene</translation>
    </message>
    <message>
        <location filename="../geo_layers.py" line="124"/>
        <source>2D layer {name}: {n} features</source>
        <translation>2D-Ebene {name}: {n} Objekte</translation>
    </message>
    <message>
        <location filename="../geo_layers.py" line="143"/>
        <source>(no value)</source>
        <translation>(kein Wert)</translation>
    </message>
    <message>
        <location filename="../geo_layers.py" line="145"/>
        <source>… {n} more classes</source>
        <translation>… {n} weitere Klassen</translation>
    </message>
    <message>
        <location filename="../geo_layers.py" line="278"/>
        <source>Style of {name}</source>
        <translation>Darstellung von {name}</translation>
    </message>
    <message>
        <location filename="../geo_layers.py" line="286"/>
        <location filename="../layers.py" line="64"/>
        <source>Colour</source>
        <translation>Farbe</translation>
    </message>
    <message>
        <location filename="../geo_layers.py" line="290"/>
        <source>Fill opacity</source>
        <translation>Deckkraft der Füllung</translation>
    </message>
    <message>
        <location filename="../geo_layers.py" line="293"/>
        <source>(one colour)</source>
        <translation>(eine Farbe)</translation>
    </message>
    <message>
        <location filename="../geo_layers.py" line="297"/>
        <source>Style by attribute</source>
        <translation>Einfärben nach Attribut</translation>
    </message>
    <message>
        <location filename="../geo_layers.py" line="301"/>
        <source>Classes (numbers)</source>
        <translation>Klassen (Zahlen)</translation>
    </message>
    <message>
        <location filename="../geo_layers.py" line="303"/>
        <source>(no labels)</source>
        <translation>(keine Beschriftung)</translation>
    </message>
    <message>
        <location filename="../geo_layers.py" line="307"/>
        <source>Label by</source>
        <translation>Beschriften mit</translation>
    </message>
    <message>
        <location filename="../geo_layers.py" line="321"/>
        <source>Colour of {name}</source>
        <translation>Farbe von {name}</translation>
    </message>
    <message>
        <location filename="../layers.py" line="64"/>
        <source>Opacity</source>
        <translation>Deckkraft</translation>
    </message>
    <message>
        <location filename="../layers.py" line="66"/>
        <location filename="../layers.py" line="82"/>
        <source>City model</source>
        <translation>Stadtmodell</translation>
    </message>
    <message>
        <location filename="../layers.py" line="68"/>
        <location filename="../layers.py" line="110"/>
        <source>Ground plane</source>
        <translation>Geländeebene</translation>
    </message>
    <message>
        <location filename="../layers.py" line="95"/>
        <source>Click: choose a colour; right click: semantic colours (roof, wall, ground)</source>
        <translation>Klick: Farbe wählen; Rechtsklick: Flächenfarben (Dach, Wand, Boden)</translation>
    </message>
    <message>
        <location filename="../layers.py" line="200"/>
        <source>Style: colour, fill, style by attribute, labels</source>
        <translation>Darstellung: Farbe, Füllung, Einfärben nach Attribut, Beschriftung</translation>
    </message>
    <message>
        <location filename="../attributes.py" line="175"/>
        <location filename="../layers.py" line="188"/>
        <location filename="../legend.py" line="156"/>
        <source>2D layer: {name}</source>
        <translation>2D-Ebene: {name}</translation>
    </message>
    <message>
        <location filename="../layers.py" line="265"/>
        <source>Colour of {type}</source>
        <translation>Farbe von {type}</translation>
    </message>
    <message>
        <location filename="../legend.py" line="94"/>
        <source>Legend</source>
        <translation>Legende</translation>
    </message>
    <message>
        <location filename="../legend.py" line="228"/>
        <source>Surfaces</source>
        <translation>Flächen</translation>
    </message>
    <message>
        <location filename="../edit_dialogs.py" line="53"/>
        <source>New building from the drawn footprint</source>
        <translation>Neues Gebäude aus dem gezeichneten Grundriss</translation>
    </message>
    <message>
        <location filename="../edit_dialogs.py" line="54"/>
        <source>Eave height above ground</source>
        <translation>Traufhöhe über Gelände</translation>
    </message>
    <message>
        <location filename="../edit_dialogs.py" line="56"/>
        <source>flat</source>
        <translation>Flachdach</translation>
    </message>
    <message>
        <location filename="../edit_dialogs.py" line="56"/>
        <source>gable</source>
        <translation>Satteldach</translation>
    </message>
    <message>
        <location filename="../edit_dialogs.py" line="56"/>
        <source>hip</source>
        <translation>Walmdach</translation>
    </message>
    <message>
        <location filename="../edit_dialogs.py" line="56"/>
        <source>shed</source>
        <translation>Pultdach</translation>
    </message>
    <message>
        <location filename="../edit_dialogs.py" line="56"/>
        <source>pyramid</source>
        <translation>Zeltdach</translation>
    </message>
    <message>
        <location filename="../edit_dialogs.py" line="59"/>
        <location filename="../legend.py" line="229"/>
        <source>Roof</source>
        <translation>Dach</translation>
    </message>
    <message>
        <location filename="../edit_dialogs.py" line="60"/>
        <source>Roof height</source>
        <translation>Dachhöhe</translation>
    </message>
    <message>
        <location filename="../edit_dialogs.py" line="65"/>
        <source>A flat roof has no roof height</source>
        <translation>Ein Flachdach hat keine Dachhöhe</translation>
    </message>
    <message>
        <location filename="../edit_dialogs.py" line="66"/>
        <source>Height of the ridge above the eaves</source>
        <translation>Höhe des Firsts über der Traufe</translation>
    </message>
    <message>
        <location filename="../edit_dialogs.py" line="75"/>
        <source>Set building height</source>
        <translation>Gebäudehöhe festlegen</translation>
    </message>
    <message>
        <location filename="../edit_dialogs.py" line="76"/>
        <source>New height (highest − lowest point)</source>
        <translation>Neue Höhe (höchster − tiefster Punkt)</translation>
    </message>
    <message>
        <location filename="../edit_dialogs.py" line="86"/>
        <source>Place the design</source>
        <translation>Entwurf platzieren</translation>
    </message>
    <message>
        <location filename="../edit_dialogs.py" line="88"/>
        <source>Automatic (file origin; lowest point if centred)</source>
        <translation>Automatisch (Ursprung; tiefster Punkt, wenn zentriert)</translation>
    </message>
    <message>
        <location filename="../edit_dialogs.py" line="89"/>
        <source>The file&apos;s origin (0, 0, 0)</source>
        <translation>Ursprung der Datei (0, 0, 0)</translation>
    </message>
    <message>
        <location filename="../edit_dialogs.py" line="90"/>
        <source>Centre of the design&apos;s base</source>
        <translation>Mitte der Entwurfsgrundfläche</translation>
    </message>
    <message>
        <location filename="../edit_dialogs.py" line="91"/>
        <source>Where the file is georeferenced (ignore the click)</source>
        <translation>Georeferenzierte Lage aus der Datei (Klick ignorieren)</translation>
    </message>
    <message>
        <location filename="../edit_dialogs.py" line="94"/>
        <source>Clicked point takes</source>
        <translation>Der geklickte Punkt ist</translation>
    </message>
    <message>
        <location filename="../edit_dialogs.py" line="95"/>
        <source>Rotation (counter-clockwise)</source>
        <translation>Drehung (gegen den Uhrzeigersinn)</translation>
    </message>
    <message>
        <location filename="../edit_dialogs.py" line="96"/>
        <source>Scale</source>
        <translation>Maßstab</translation>
    </message>
    <message>
        <location filename="../legend.py" line="230"/>
        <source>Wall</source>
        <translation>Wand</translation>
    </message>
    <message>
        <location filename="../i18n.py" line="124"/>
        <location filename="../legend.py" line="231"/>
        <source>Ground surface</source>
        <translation>Bodenfläche</translation>
    </message>
    <message>
        <location filename="../legend.py" line="232"/>
        <source>Selected</source>
        <translation>Ausgewählt</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="50"/>
        <source>City models (*.json *.city.json *.jsonl *.city.jsonl *.gml *.xml *.citygml);;All files (*)</source>
        <translation>Stadtmodelle (*.json *.city.json *.jsonl *.city.jsonl *.gml *.xml *.citygml);;Alle Dateien (*)</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="344"/>
        <source>&amp;Open…</source>
        <translation>&amp;Öffnen…</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="344"/>
        <source>Open &amp;folder of tiles…</source>
        <translation>&amp;Ordner mit Kacheln öffnen…</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="344"/>
        <source>Open &amp;demo district</source>
        <translation>&amp;Demo-Stadtteil öffnen</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="345"/>
        <source>Open &amp;city (large folder of tiles)…</source>
        <translation>&amp;Stadt öffnen (großer Ordner mit Kacheln)…</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="346"/>
        <source>Save &amp;image of the view…</source>
        <translation>&amp;Bild der Ansicht speichern…</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="346"/>
        <source>&amp;Quit</source>
        <translation>&amp;Beenden</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="346"/>
        <source>&amp;Export…</source>
        <translation>&amp;Exportieren…</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="348"/>
        <source>&amp;Demolish selected</source>
        <translation>Auswahl &amp;abreißen</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="348"/>
        <source>Clear selection</source>
        <translation>Auswahl aufheben</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="349"/>
        <source>Load &amp;variant (scenario)…</source>
        <translation>&amp;Variante (Szenario) laden…</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="349"/>
        <source>Save variant (scenario)…</source>
        <translation>Variante (Szenario) speichern…</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="350"/>
        <source>Isometric view</source>
        <translation>Isometrische Ansicht</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="350"/>
        <source>Top view</source>
        <translation>Draufsicht</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="350"/>
        <source>Front view (looking north)</source>
        <translation>Vorderansicht (Blick nach Norden)</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="351"/>
        <source>North up</source>
        <translation>Norden oben</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="351"/>
        <source>Zoom to selection</source>
        <translation>Auf Auswahl zoomen</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="351"/>
        <source>Zoom to all</source>
        <translation>Alles zeigen</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="352"/>
        <location filename="../main_window.py" line="370"/>
        <source>Select</source>
        <translation>Auswählen</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="352"/>
        <source>Box select</source>
        <translation>Rechteckauswahl</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="352"/>
        <source>Measure distance</source>
        <translation>Strecke messen</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="353"/>
        <source>Measure height above ground</source>
        <translation>Höhe über Grund messen</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="353"/>
        <source>Walk (eye height 1.6 m)</source>
        <translation>Begehen (Augenhöhe 1,6 m)</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="354"/>
        <source>Measure the area of a surface</source>
        <translation>Fläche einer Oberfläche messen</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="355"/>
        <source>Clear measurements</source>
        <translation>Messungen löschen</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="355"/>
        <location filename="../main_window.py" line="1210"/>
        <source>About Stadtbild</source>
        <translation>Über Stadtbild</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="357"/>
        <source>Set &amp;height of selected…</source>
        <translation>&amp;Höhe der Auswahl festlegen…</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="357"/>
        <source>Draw footprint and e&amp;xtrude</source>
        <translation>Grundriss zeichnen und e&amp;xtrudieren</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="358"/>
        <source>&amp;Insert design (file) at a point…</source>
        <translation>Entwurf (Datei) an einem Punkt &amp;einfügen…</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="358"/>
        <source>Add 2D &amp;layer (GeoJSON, GPKG, SHP)…</source>
        <translation>2D-&amp;Ebene hinzufügen (GeoJSON, GPKG, SHP)…</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="369"/>
        <source>Open</source>
        <translation>Öffnen</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="369"/>
        <source>Iso</source>
        <translation>Iso</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="369"/>
        <source>Top</source>
        <translation>Oben</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="369"/>
        <source>Front</source>
        <translation>Vorne</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="370"/>
        <source>North</source>
        <translation>Nord</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="370"/>
        <source>Zoom</source>
        <translation>Zoom</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="371"/>
        <source>Box</source>
        <translation>Rechteck</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="371"/>
        <location filename="../measure_panel.py" line="27"/>
        <source>Distance</source>
        <translation>Strecke</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="1216"/>
        <source>quitting</source>
        <translation>Stadtbild beendet wird</translation>
    </message>
    <message>
        <location filename="../bplan.py" line="31"/>
        <location filename="../main_window.py" line="371"/>
        <source>Height</source>
        <translation>Höhe</translation>
    </message>
    <message>
        <location filename="../bplan.py" line="31"/>
        <source>Baugrenze</source>
        <translation>Baugrenze</translation>
    </message>
    <message>
        <location filename="../bplan.py" line="32"/>
        <source>Baulinie</source>
        <translation>Baulinie</translation>
    </message>
    <message>
        <location filename="../bplan.py" line="32"/>
        <source>Storeys</source>
        <translation>Geschosse</translation>
    </message>
    <message>
        <location filename="../bplan.py" line="34"/>
        <source>new</source>
        <translation>neu</translation>
    </message>
    <message>
        <location filename="../bplan.py" line="34"/>
        <source>changed</source>
        <translation>geändert</translation>
    </message>
    <message>
        <location filename="../bplan.py" line="35"/>
        <source>existing</source>
        <translation>Bestand</translation>
    </message>
    <message>
        <location filename="../bplan.py" line="61"/>
        <location filename="../bplan.py" line="178"/>
        <location filename="../bplan.py" line="180"/>
        <source>Bebauungsplan check</source>
        <translation>Prüfung Bebauungsplan</translation>
    </message>
    <message>
        <location filename="../bplan.py" line="64"/>
        <source>Every building of the variant in the plan area against the Bebauungsplan (XPlanGML): inside the Baufenster, on the Baulinie, eave / ridge / top heights, full storeys, GRZ and GFZ per zone.</source>
        <translation>Jedes Gebäude der Variante im Plangebiet gegen den Bebauungsplan (XPlanGML): innerhalb der Baufenster, auf der Baulinie, Trauf-, First- und Gebäudehöhe, Vollgeschosse, GRZ und GFZ je Baugebiet.</translation>
    </message>
    <message>
        <location filename="../bplan.py" line="78"/>
        <source>Tolerance [m]</source>
        <translation>Toleranz [m]</translation>
    </message>
    <message>
        <location filename="../bplan.py" line="83"/>
        <source>Storey height (estimate) [m]</source>
        <translation>Geschosshöhe (Schätzung) [m]</translation>
    </message>
    <message>
        <location filename="../bplan.py" line="105"/>
        <source>Load Bebauungsplan (XPlanGML) …</source>
        <translation>Bebauungsplan laden (XPlanGML) …</translation>
    </message>
    <message>
        <location filename="../bplan.py" line="106"/>
        <location filename="../bplan.py" line="237"/>
        <source>Hide existing buildings in the plan area</source>
        <translation>Bestand im Plangebiet ausblenden</translation>
    </message>
    <message>
        <location filename="../bplan.py" line="107"/>
        <source>Save report (PDF, GeoJSON, GeoPackage, CSV) …</source>
        <translation>Bericht speichern (PDF, GeoJSON, GeoPackage, CSV) …</translation>
    </message>
    <message>
        <location filename="../attributes.py" line="109"/>
        <location filename="../bplan.py" line="108"/>
        <source>Building</source>
        <extracomment>CityGML classes shown in the UI language in headers (the table keeps the standard&apos;s name)</extracomment>
        <translation>Gebäude</translation>
    </message>
    <message>
        <location filename="../bplan.py" line="108"/>
        <source>Status</source>
        <translation>Status</translation>
    </message>
    <message>
        <location filename="../bplan.py" line="108"/>
        <source>Result</source>
        <translation>Ergebnis</translation>
    </message>
    <message>
        <location filename="../bplan.py" line="108"/>
        <location filename="../measure_panel.py" line="67"/>
        <source>Details</source>
        <translation>Details</translation>
    </message>
    <message>
        <location filename="../bplan.py" line="123"/>
        <source>Load a Bebauungsplan first (File ▸ Load Bebauungsplan…)</source>
        <translation>Zuerst einen Bebauungsplan laden (Datei ▸ Bebauungsplan laden…)</translation>
    </message>
    <message>
        <location filename="../bplan.py" line="140"/>
        <source>plan {name}, tolerance {tol} m</source>
        <translation>Plan {name}, Toleranz {tol} m</translation>
    </message>
    <message>
        <location filename="../bplan.py" line="171"/>
        <source>{n} buildings checked: {ok} compliant, {bad} with violations; {v} violations</source>
        <translation>{n} Gebäude geprüft: {ok} eingehalten, {bad} mit Verstößen; {v} Verstöße</translation>
    </message>
    <message>
        <location filename="../bplan.py" line="174"/>
        <source>GRZ/GFZ exceeded in {z} zones</source>
        <translation>GRZ/GFZ in {z} Baugebieten überschritten</translation>
    </message>
    <message>
        <location filename="../bplan.py" line="175"/>
        <source>Compliant with the plan</source>
        <translation>Festsetzungen eingehalten</translation>
    </message>
    <message>
        <location filename="../bplan.py" line="175"/>
        <source>Violation</source>
        <translation>Verstoß</translation>
    </message>
    <message>
        <location filename="../bplan.py" line="177"/>
        <source>Outside the Baugrenze / Baulinie not met</source>
        <translation>außerhalb der Baugrenze / Baulinie nicht eingehalten</translation>
    </message>
    <message>
        <location filename="../bplan.py" line="236"/>
        <source>Load &amp;Bebauungsplan (XPlanGML)…</source>
        <translation>&amp;Bebauungsplan laden (XPlanGML)…</translation>
    </message>
    <message>
        <location filename="../bplan.py" line="242"/>
        <source>Load Bebauungsplan</source>
        <translation>Bebauungsplan laden</translation>
    </message>
    <message>
        <location filename="../bplan.py" line="243"/>
        <source>XPlanGML (*.gml *.xml);;All files (*)</source>
        <translation>XPlanGML (*.gml *.xml);;Alle Dateien (*)</translation>
    </message>
    <message>
        <location filename="../bplan.py" line="254"/>
        <source>Open a city model first; the plan is then placed in its coordinate system</source>
        <translation>Zuerst ein Stadtmodell öffnen; der Plan wird dann in dessen Koordinatensystem gelegt</translation>
    </message>
    <message>
        <location filename="../bplan.py" line="266"/>
        <location filename="../bplan.py" line="492"/>
        <source>Bebauungsplan</source>
        <translation>Bebauungsplan</translation>
    </message>
    <message>
        <location filename="../bplan.py" line="286"/>
        <source>Baufenster 3D ({name})</source>
        <translation>Baufenster 3D ({name})</translation>
    </message>
    <message>
        <location filename="../bplan.py" line="288"/>
        <source>Plan on the ground ({name})</source>
        <translation>Plan am Boden ({name})</translation>
    </message>
    <message>
        <location filename="../bplan.py" line="296"/>
        <source>Bebauungsplan {name} (XPlanGML {v}): {bf} Baufenster, {btf} zones</source>
        <translation>Bebauungsplan {name} (XPlanGML {v}): {bf} Baufenster, {btf} Baugebiete</translation>
    </message>
    <message>
        <location filename="../bplan.py" line="300"/>
        <source>{file}: the plan area does not overlap the city model (plan {a}, model {b})</source>
        <translation>{file}: das Plangebiet liegt nicht im Stadtmodell (Plan {a}, Modell {b})</translation>
    </message>
    <message>
        <location filename="../bplan.py" line="426"/>
        <source>{n} existing buildings in the plan area hidden</source>
        <translation>{n} Bestandsgebäude im Plangebiet ausgeblendet</translation>
    </message>
    <message>
        <location filename="../bplan.py" line="438"/>
        <source>No Bebauungsplan loaded.</source>
        <translation>Kein Bebauungsplan geladen.</translation>
    </message>
    <message>
        <location filename="../bplan.py" line="441"/>
        <source>{name} (XPlanGML {v}): {bf} Baufenster, {btf} zones, CRS {crs}</source>
        <translation>{name} (XPlanGML {v}): {bf} Baufenster, {btf} Baugebiete, KBS {crs}</translation>
    </message>
    <message>
        <location filename="../bplan.py" line="455"/>
        <location filename="../bplan.py" line="492"/>
        <source>compliant</source>
        <translation>eingehalten</translation>
    </message>
    <message>
        <location filename="../bplan.py" line="462"/>
        <source>zone</source>
        <translation>Baugebiet</translation>
    </message>
    <message>
        <location filename="../bplan.py" line="492"/>
        <source>violation</source>
        <translation>Verstoß</translation>
    </message>
    <message>
        <location filename="../bplan.py" line="493"/>
        <source>Baufenster</source>
        <translation>Baufenster</translation>
    </message>
    <message>
        <location filename="../bplan.py" line="494"/>
        <source>Outside the Baugrenze [m²]</source>
        <translation>außerhalb der Baugrenze [m²]</translation>
    </message>
    <message>
        <location filename="../bplan.py" line="495"/>
        <source>Largest distance outside [m]</source>
        <translation>größter Abstand außerhalb [m]</translation>
    </message>
    <message>
        <location filename="../bplan.py" line="496"/>
        <source>Eave / top [m]</source>
        <translation>Traufe / Oberkante [m]</translation>
    </message>
    <message>
        <location filename="../bplan.py" line="497"/>
        <source>Height limits</source>
        <translation>Höhenfestsetzungen</translation>
    </message>
    <message>
        <location filename="../bplan.py" line="498"/>
        <source>Full storeys</source>
        <translation>Vollgeschosse</translation>
    </message>
    <message>
        <location filename="../bplan.py" line="508"/>
        <source>Run the Bebauungsplan check first</source>
        <translation>Zuerst die Prüfung gegen den Bebauungsplan starten</translation>
    </message>
    <message>
        <location filename="../bplan.py" line="510"/>
        <source>Save report</source>
        <translation>Bericht speichern</translation>
    </message>
    <message>
        <location filename="../bplan.py" line="511"/>
        <source>PDF (*.pdf);;GeoJSON (*.geojson);;GeoPackage (*.gpkg);;CSV (*.csv)</source>
        <translation>PDF (*.pdf);;GeoJSON (*.geojson);;GeoPackage (*.gpkg);;CSV (*.csv)</translation>
    </message>
    <message>
        <location filename="../bplan.py" line="530"/>
        <source>Report saved: {path}</source>
        <translation>Bericht gespeichert: {path}</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="372"/>
        <location filename="../measure_panel.py" line="33"/>
        <source>Area</source>
        <translation>Fläche</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="373"/>
        <source>Walk</source>
        <translation>Begehen</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="373"/>
        <source>Demolish</source>
        <translation>Abreißen</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="373"/>
        <source>Extrude</source>
        <translation>Extrudieren</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="380"/>
        <source>&amp;Undo</source>
        <translation>&amp;Rückgängig</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="381"/>
        <source>&amp;Redo</source>
        <translation>&amp;Wiederherstellen</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="383"/>
        <source>&amp;File</source>
        <translation>&amp;Datei</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="383"/>
        <source>&amp;Edit</source>
        <translation>&amp;Bearbeiten</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="383"/>
        <source>&amp;View</source>
        <translation>&amp;Ansicht</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="383"/>
        <source>&amp;Tools</source>
        <translation>&amp;Werkzeuge</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="384"/>
        <source>&amp;Language</source>
        <translation>&amp;Sprache</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="384"/>
        <source>&amp;Help</source>
        <translation>&amp;Hilfe</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="387"/>
        <source>Recent files</source>
        <translation>Zuletzt geöffnet</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="388"/>
        <source>Panels</source>
        <translation>Fenster</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="390"/>
        <source>Tools</source>
        <translation>Werkzeuge</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="403"/>
        <source>Open a city model: File ▸ Open, or drop files here</source>
        <translation>Stadtmodell öffnen: Datei ▸ Öffnen, oder Dateien hierher ziehen</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="416"/>
        <location filename="../main_window.py" line="457"/>
        <source>opening another model</source>
        <translation>ein anderes Modell geöffnet wird</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="419"/>
        <source>Open city model(s)</source>
        <translation>Stadtmodell(e) öffnen</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="424"/>
        <source>Open a folder of tiles</source>
        <translation>Ordner mit Kacheln öffnen</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="437"/>
        <source>(none)</source>
        <translation>(keine)</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="441"/>
        <source>Clear list</source>
        <translation>Liste leeren</translation>
    </message>
    <message>
        <location filename="../bplan.py" line="265"/>
        <location filename="../main_window.py" line="486"/>
        <source>Loading {name} …</source>
        <translation>Lade {name} …</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="487"/>
        <location filename="../project_io.py" line="437"/>
        <source>Loading</source>
        <translation>Laden</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="501"/>
        <source>Loading cancelled</source>
        <translation>Laden abgebrochen</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="515"/>
        <source>{file}: nothing to show: the model has no surface geometry</source>
        <translation>{file}: nichts darzustellen: das Modell hat keine Flächengeometrie</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="552"/>
        <source>unknown CRS</source>
        <translation>unbekanntes Koordinatensystem</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="554"/>
        <source>{n} objects, {t} triangles, {crs} – first frame after {s} s</source>
        <translation>{n} Objekte, {t} Dreiecke, {crs} – erstes Bild nach {s} s</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="586"/>
        <source>Metrics</source>
        <translation>Kennzahlen</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="593"/>
        <source>Stadtbild – error</source>
        <translation>Stadtbild – Fehler</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="599"/>
        <source>Copy log</source>
        <translation>Log kopieren</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="600"/>
        <source>Copy this message and the end of the log file, e.g. for a support request</source>
        <translation>Diese Meldung und das Ende der Protokolldatei kopieren, z. B. für eine Supportanfrage</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="691"/>
        <source>{n} selected</source>
        <translation>{n} ausgewählt</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="700"/>
        <source>{h} m above ground</source>
        <translation>{h} m über Grund</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="709"/>
        <location filename="../main_window.py" line="1027"/>
        <source>Select buildings first (click in the 3D view)</source>
        <translation>Erst Gebäude auswählen (Klick in die 3D-Ansicht)</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="720"/>
        <source>Edits go into the new variant “{name}”; Bestand stays the untouched source (rename the variant in the Variants panel)</source>
        <translation>Änderungen gehen in die neue Variante „{name}“; der Bestand bleibt unverändert (umbenennen im Fenster Varianten)</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="757"/>
        <source>Load variant</source>
        <translation>Variante laden</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="757"/>
        <source>Scenarios (*.scenario.json *.json)</source>
        <translation>Szenarien (*.scenario.json *.json)</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="775"/>
        <source>Save variant</source>
        <translation>Variante speichern</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="776"/>
        <source>Scenarios (*.scenario.json)</source>
        <translation>Szenarien (*.scenario.json)</translation>
    </message>
    <message>
        <location filename="../export_dialog.py" line="49"/>
        <source>Stadtbild – replace file?</source>
        <extracomment>the formats of the dialog: (label, file endings; the first is appended to a name without one)</extracomment>
        <translation>Stadtbild – Datei ersetzen?</translation>
    </message>
    <message>
        <location filename="../export_dialog.py" line="50"/>
        <source>{file} already exists. Replace it?</source>
        <translation>{file} existiert bereits. Ersetzen?</translation>
    </message>
    <message>
        <location filename="../export_dialog.py" line="63"/>
        <location filename="../export_dialog.py" line="114"/>
        <location filename="../export_dialog.py" line="167"/>
        <source>Export</source>
        <translation>Export</translation>
    </message>
    <message>
        <location filename="../export_dialog.py" line="71"/>
        <location filename="../publish_dialog.py" line="23"/>
        <source>Browse…</source>
        <translation>Durchsuchen…</translation>
    </message>
    <message>
        <location filename="../export_dialog.py" line="73"/>
        <source>Public export: leave out internal attributes (owners, addresses, parcels)</source>
        <translation>Öffentlicher Export: interne Attribute weglassen (Eigentümer, Adressen, Flurstücke)</translation>
    </message>
    <message>
        <location filename="../export_dialog.py" line="81"/>
        <source>Format:</source>
        <translation>Format:</translation>
    </message>
    <message>
        <location filename="../export_dialog.py" line="83"/>
        <source>File:</source>
        <translation>Datei:</translation>
    </message>
    <message>
        <location filename="../bplan.py" line="522"/>
        <location filename="../export_dialog.py" line="137"/>
        <location filename="../main_window.py" line="779"/>
        <location filename="../project_io.py" line="367"/>
        <source>{file}: refusing to overwrite an input file</source>
        <translation>{file}: eine Eingabedatei wird nicht überschrieben</translation>
    </message>
    <message>
        <location filename="../export_dialog.py" line="164"/>
        <source>Exported {n} objects to {file}</source>
        <translation>{n} Objekte nach {file} exportiert</translation>
    </message>
    <message>
        <location filename="../export_dialog.py" line="189"/>
        <source>Report with {n} analyses written to {file}</source>
        <translation>Bericht mit {n} Analysen geschrieben: {file}</translation>
    </message>
    <message>
        <location filename="../export_dialog.py" line="192"/>
        <source>Report</source>
        <translation>Bericht</translation>
    </message>
    <message>
        <location filename="../export_dialog.py" line="198"/>
        <location filename="../geo_layers.py" line="96"/>
        <location filename="../main_window.py" line="828"/>
        <location filename="../project_io.py" line="370"/>
        <location filename="../project_io.py" line="532"/>
        <location filename="../publish_dialog.py" line="81"/>
        <location filename="../publish_dialog.py" line="117"/>
        <source>Open a city model first</source>
        <extracomment>default colours of new layers (Okabe–Ito, colour-blind safe; none is the roof red)</extracomment>
        <translation>Bitte zuerst ein Stadtmodell öffnen</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="849"/>
        <source>Running {name} …</source>
        <translation>{name} läuft …</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="927"/>
        <source>Cancelled</source>
        <translation>Abgebrochen</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="956"/>
        <source>Sun: azimuth {az}°, elevation {el}° ({tz}, {utc} UTC)</source>
        <translation>Sonne: Azimut {az}°, Höhe {el}° ({tz}, {utc} UTC)</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="1016"/>
        <source>New building {id}</source>
        <translation>Neues Gebäude {id}</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="1046"/>
        <source>Insert design</source>
        <translation>Entwurf einfügen</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="1047"/>
        <source>Designs (*.glb *.gltf *.obj *.stl *.ifc *.json *.gml);;All files (*)</source>
        <translation>Entwürfe (*.glb *.gltf *.obj *.stl *.ifc *.json *.gml);;Alle Dateien (*)</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="1073"/>
        <source>Insert {name}</source>
        <translation>{name} einfügen</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="1082"/>
        <source>Click the insertion point in the 3D view</source>
        <translation>Einfügepunkt in der 3D-Ansicht anklicken</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="1114"/>
        <source>Add 2D layer</source>
        <translation>2D-Ebene hinzufügen</translation>
    </message>
    <message>
        <location filename="../geo_layers.py" line="256"/>
        <source>GIS layers (*.geojson *.json *.gpkg *.shp);;All files (*)</source>
        <translation>GIS-Ebenen (*.geojson *.json *.gpkg *.shp);;Alle Dateien (*)</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="1126"/>
        <source>Click a point in the 3D view</source>
        <translation>Einen Punkt in der 3D-Ansicht anklicken</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="1186"/>
        <source>Save image of the view</source>
        <translation>Bild der Ansicht speichern</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="1211"/>
        <source>&lt;b&gt;Stadtbild&lt;/b&gt; {v}&lt;br&gt;3D city-model viewer and planning tool.&lt;br&gt;Licence: GPL-3.0-or-later. Works fully offline.</source>
        <translation>&lt;b&gt;Stadtbild&lt;/b&gt; {v}&lt;br&gt;3D-Stadtmodell-Betrachter und Planungswerkzeug.&lt;br&gt;Lizenz: GPL-3.0-or-later. Arbeitet vollständig offline.</translation>
    </message>
    <message>
        <location filename="../search.py" line="86"/>
        <location filename="../search.py" line="88"/>
        <source>Search</source>
        <translation>Suche</translation>
    </message>
    <message>
        <location filename="../search.py" line="87"/>
        <source>id or value, e.g. 1931 or &gt;20</source>
        <translation>ID oder Wert, z. B. 1931 oder &gt;20</translation>
    </message>
    <message>
        <location filename="../search.py" line="89"/>
        <source>Select all results</source>
        <translation>Alle Treffer auswählen</translation>
    </message>
    <message>
        <location filename="../search.py" line="92"/>
        <location filename="../search.py" line="101"/>
        <source>All attributes</source>
        <translation>Alle Attribute</translation>
    </message>
    <message>
        <location filename="../search.py" line="125"/>
        <source>{n} found</source>
        <translation>{n} gefunden</translation>
    </message>
    <message>
        <location filename="../variants.py" line="73"/>
        <source>Variants</source>
        <translation>Varianten</translation>
    </message>
    <message>
        <location filename="../variants.py" line="74"/>
        <source>New</source>
        <translation>Neu</translation>
    </message>
    <message>
        <location filename="../variants.py" line="75"/>
        <source>Duplicate</source>
        <translation>Duplizieren</translation>
    </message>
    <message>
        <location filename="../variants.py" line="76"/>
        <source>Rename…</source>
        <translation>Umbenennen…</translation>
    </message>
    <message>
        <location filename="../variants.py" line="77"/>
        <source>Delete</source>
        <translation>Löschen</translation>
    </message>
    <message>
        <location filename="../variants.py" line="78"/>
        <source>Load…</source>
        <translation>Laden…</translation>
    </message>
    <message>
        <location filename="../variants.py" line="79"/>
        <source>Save…</source>
        <translation>Speichern…</translation>
    </message>
    <message>
        <location filename="../variants.py" line="80"/>
        <source>Compare…</source>
        <translation>Vergleichen…</translation>
    </message>
    <message>
        <location filename="../variants.py" line="81"/>
        <source>Compare: show removed buildings as ghosts</source>
        <translation>Vergleich: entfernte Gebäude transparent zeigen</translation>
    </message>
    <message>
        <location filename="../variants.py" line="82"/>
        <source>Edit history</source>
        <translation>Bearbeitungsverlauf</translation>
    </message>
    <message>
        <location filename="../variants.py" line="83"/>
        <source>&lt;original&gt;</source>
        <translation>&lt;Ausgangszustand&gt;</translation>
    </message>
    <message>
        <location filename="../state.py" line="163"/>
        <location filename="../variants.py" line="85"/>
        <source>Existing</source>
        <extracomment>results kept per variant and analysis (the newest; visible ones always stay)</extracomment>
        <translation>Bestand</translation>
    </message>
    <message>
        <location filename="../variants.py" line="181"/>
        <source>{n} edits</source>
        <translation>{n} Änderungen</translation>
    </message>
    <message>
        <location filename="../variants.py" line="181"/>
        <source>{n} edit</source>
        <translation>{n} Änderung</translation>
    </message>
    <message>
        <location filename="../variants.py" line="195"/>
        <source>New variant</source>
        <translation>Neue Variante</translation>
    </message>
    <message>
        <location filename="../variants.py" line="196"/>
        <source>Name of the new variant:</source>
        <translation>Name der neuen Variante:</translation>
    </message>
    <message>
        <location filename="../variants.py" line="219"/>
        <source>Variant {letter}</source>
        <translation>Variante {letter}</translation>
    </message>
    <message>
        <location filename="../variants.py" line="227"/>
        <source>{name} (copy)</source>
        <translation>{name} (Kopie)</translation>
    </message>
    <message>
        <location filename="../variants.py" line="233"/>
        <source>Rename variant</source>
        <translation>Variante umbenennen</translation>
    </message>
    <message>
        <location filename="../variants.py" line="233"/>
        <source>Name</source>
        <translation>Name</translation>
    </message>
    <message>
        <location filename="../i18n.py" line="144"/>
        <source>Distance {d} m (horizontal {h} m, height difference {z} m)</source>
        <translation>Strecke {d} m (horizontal {h} m, Höhenunterschied {z} m)</translation>
    </message>
    <message>
        <location filename="../i18n.py" line="147"/>
        <source>Height above ground {h} m (absolute height {z} m)</source>
        <translation>Höhe über Grund {h} m (absolute Höhe {z} m)</translation>
    </message>
    <message>
        <location filename="../i18n.py" line="149"/>
        <source>Area {a} m² ({s}, tilt {t}°)</source>
        <translation>Fläche {a} m² ({s}, Neigung {t}°)</translation>
    </message>
    <message>
        <location filename="../autosave.py" line="88"/>
        <source>Autosave is not possible: {folder} is not writable</source>
        <translation>Automatisches Speichern nicht möglich: {folder} ist nicht beschreibbar</translation>
    </message>
    <message>
        <location filename="../autosave.py" line="149"/>
        <location filename="../project_io.py" line="245"/>
        <source>{n} unsaved edit</source>
        <translation>{n} ungesicherte Änderung</translation>
    </message>
    <message>
        <location filename="../autosave.py" line="149"/>
        <location filename="../project_io.py" line="245"/>
        <source>{n} unsaved edits</source>
        <translation>{n} ungesicherte Änderungen</translation>
    </message>
    <message>
        <location filename="../autosave.py" line="151"/>
        <location filename="../project_io.py" line="247"/>
        <source>{n} 2D layer</source>
        <translation>{n} 2D-Ebene</translation>
    </message>
    <message>
        <location filename="../autosave.py" line="151"/>
        <location filename="../project_io.py" line="247"/>
        <source>{n} 2D layers</source>
        <translation>{n} 2D-Ebenen</translation>
    </message>
    <message>
        <location filename="../autosave.py" line="153"/>
        <source>{files} has work that was not saved when it was last closed: {what} (journal of {when} UTC). Restore it?</source>
        <translation>Für {files} gibt es Arbeit, die beim letzten Schließen nicht gesichert wurde: {what} (Stand {when} UTC). Wiederherstellen?</translation>
    </message>
    <message>
        <location filename="../autosave.py" line="156"/>
        <source>Stadtbild was not closed properly. Recover {what} of {files} (saved {when} UTC)?</source>
        <translation>Stadtbild wurde nicht ordnungsgemäß beendet. {what} von {files} wiederherstellen (Stand {when} UTC)?</translation>
    </message>
    <message>
        <location filename="../autosave.py" line="161"/>
        <source>Stadtbild – recover unsaved work</source>
        <translation>Stadtbild – ungesicherte Arbeit wiederherstellen</translation>
    </message>
    <message>
        <location filename="../autosave.py" line="166"/>
        <source>Later</source>
        <translation>Später</translation>
    </message>
    <message>
        <location filename="../autosave.py" line="186"/>
        <source>{file}: cannot recover: the file is missing</source>
        <translation>{file}: Wiederherstellung nicht möglich: die Datei fehlt</translation>
    </message>
    <message>
        <location filename="../autosave.py" line="214"/>
        <source>Recovered</source>
        <translation>Wiederhergestellt</translation>
    </message>
    <message>
        <location filename="../autosave.py" line="234"/>
        <source>Recovered {n} edit</source>
        <translation>{n} Änderung wiederhergestellt</translation>
    </message>
    <message>
        <location filename="../autosave.py" line="234"/>
        <source>Recovered {n} edits</source>
        <translation>{n} Änderungen wiederhergestellt</translation>
    </message>
    <message>
        <location filename="../city_tiles.py" line="106"/>
        <source>Open a city (folder of tiles)</source>
        <translation>Stadt öffnen (Ordner mit Kacheln)</translation>
    </message>
    <message>
        <location filename="../city_tiles.py" line="128"/>
        <source>City: {done} of {n} tiles loaded ({mb} MB meshes)</source>
        <translation>Stadt: {done} von {n} Kacheln geladen ({mb} MB Meshes)</translation>
    </message>
    <message>
        <location filename="../colour_themes.py" line="27"/>
        <source>Semantic surfaces</source>
        <extracomment>menu entries: key -&gt; (label, viewer.themes theme name or None, unit, decimals)</extracomment>
        <translation>Semantische Flächen</translation>
    </message>
    <message>
        <location filename="../colour_themes.py" line="28"/>
        <source>Object type</source>
        <translation>Objekttyp</translation>
    </message>
    <message>
        <location filename="../colour_themes.py" line="29"/>
        <source>Building height</source>
        <translation>Gebäudehöhe</translation>
    </message>
    <message>
        <location filename="../colour_themes.py" line="31"/>
        <source>Storeys (estimate)</source>
        <translation>Geschosse (geschätzt)</translation>
    </message>
    <message>
        <location filename="../colour_themes.py" line="35"/>
        <source>Flat roof</source>
        <translation>Flachdach</translation>
    </message>
    <message>
        <location filename="../colour_themes.py" line="35"/>
        <source>Shed roof</source>
        <translation>Pultdach</translation>
    </message>
    <message>
        <location filename="../colour_themes.py" line="36"/>
        <source>Gable roof</source>
        <translation>Satteldach</translation>
    </message>
    <message>
        <location filename="../colour_themes.py" line="36"/>
        <source>Hip roof</source>
        <translation>Walmdach</translation>
    </message>
    <message>
        <location filename="../colour_themes.py" line="37"/>
        <source>Complex roof</source>
        <translation>Mischform</translation>
    </message>
    <message>
        <location filename="../colour_themes.py" line="37"/>
        <source>No roof</source>
        <translation>kein Dach</translation>
    </message>
    <message>
        <location filename="../colour_themes.py" line="74"/>
        <source>Colour &amp;by</source>
        <translation>Einfärben &amp;nach</translation>
    </message>
    <message>
        <location filename="../colour_themes.py" line="98"/>
        <source>Computing building metrics …</source>
        <translation>Gebäudekennzahlen werden berechnet …</translation>
    </message>
    <message>
        <location filename="../colour_themes.py" line="160"/>
        <source>{n} objects</source>
        <translation>{n} Objekte</translation>
    </message>
    <message>
        <location filename="../colour_themes.py" line="166"/>
        <source>Roof type from the roof surfaces&apos; tilts and orientations (analysis.metrics)</source>
        <translation>Dachform aus Neigung und Ausrichtung der Dachflächen (analysis.metrics)</translation>
    </message>
    <message>
        <location filename="../colour_themes.py" line="169"/>
        <source>{n} objects, mean {mean} {unit}</source>
        <translation>{n} Objekte, Mittelwert {mean} {unit}</translation>
    </message>
    <message>
        <location filename="../colour_themes.py" line="172"/>
        <source>storeys estimated as eave height / 3 m</source>
        <translation>Geschosse geschätzt als Traufhöhe / 3 m</translation>
    </message>
    <message>
        <location filename="../project_io.py" line="46"/>
        <source>Stadtbild projects (*.stadtbild)</source>
        <translation>Stadtbild-Projekte (*.stadtbild)</translation>
    </message>
    <message>
        <location filename="../project_io.py" line="51"/>
        <source>Buildings</source>
        <extracomment>rows of the comparison: (key in compare_variants rows, label, decimals)</extracomment>
        <translation>Gebäude</translation>
    </message>
    <message>
        <location filename="../project_io.py" line="52"/>
        <source>Demolished</source>
        <translation>Abgerissen</translation>
    </message>
    <message>
        <location filename="../project_io.py" line="53"/>
        <source>Inserted</source>
        <translation>Eingefügt</translation>
    </message>
    <message>
        <location filename="../project_io.py" line="55"/>
        <source>Gross floor area, estimate [m²]</source>
        <translation>Bruttogrundfläche, geschätzt [m²]</translation>
    </message>
    <message>
        <location filename="../project_io.py" line="57"/>
        <source>Max. height [m]</source>
        <translation>Max. Höhe [m]</translation>
    </message>
    <message>
        <location filename="../project_io.py" line="58"/>
        <source>Mean eave height [m]</source>
        <translation>Mittlere Traufhöhe [m]</translation>
    </message>
    <message>
        <location filename="../project_io.py" line="59"/>
        <source>Max. eave height [m]</source>
        <translation>Max. Traufhöhe [m]</translation>
    </message>
    <message>
        <location filename="../project_io.py" line="60"/>
        <source>Mean ridge height [m]</source>
        <translation>Mittlere Firsthöhe [m]</translation>
    </message>
    <message>
        <location filename="../project_io.py" line="61"/>
        <source>Max. ridge height [m]</source>
        <translation>Max. Firsthöhe [m]</translation>
    </message>
    <message>
        <location filename="../project_io.py" line="62"/>
        <source>Shadow on the ground [m²]</source>
        <translation>Schatten am Boden [m²]</translation>
    </message>
    <message>
        <location filename="../project_io.py" line="66"/>
        <source>Roof PV yield [MWh/a]</source>
        <translation>PV-Ertrag der Dächer [MWh/a]</translation>
    </message>
    <message>
        <location filename="../project_io.py" line="67"/>
        <source>Mean roof irradiation [kWh/m²·a]</source>
        <translation>Mittlere Einstrahlung der Dächer [kWh/m²·a]</translation>
    </message>
    <message>
        <location filename="../project_io.py" line="68"/>
        <source>Sightline: blocking buildings</source>
        <translation>Sichtachse: verdeckende Gebäude</translation>
    </message>
    <message>
        <location filename="../project_io.py" line="69"/>
        <source>Viewshed: visible open ground [%]</source>
        <translation>Sichtfeld: sichtbare Freifläche [%]</translation>
    </message>
    <message>
        <location filename="../project_io.py" line="70"/>
        <source>View corridor: intruding buildings</source>
        <translation>Sichtachse (Korridor): störende Gebäude</translation>
    </message>
    <message>
        <location filename="../project_io.py" line="71"/>
        <source>Facade points meeting DIN 5034-1</source>
        <translation>Fassadenpunkte mit Besonnung nach DIN 5034-1</translation>
    </message>
    <message>
        <location filename="../project_io.py" line="72"/>
        <source>Facade points losing DIN 5034-1 sunlight</source>
        <translation>Fassadenpunkte, die die Besonnung nach DIN 5034-1 verlieren</translation>
    </message>
    <message>
        <location filename="../project_io.py" line="73"/>
        <source>Bebauungsplan: buildings with violations</source>
        <translation>Bebauungsplan: Gebäude mit Verstößen</translation>
    </message>
    <message>
        <location filename="../project_io.py" line="74"/>
        <source>Bebauungsplan: violations</source>
        <translation>Bebauungsplan: Verstöße</translation>
    </message>
    <message>
        <location filename="../project_io.py" line="75"/>
        <source>Setback areas: conflicts</source>
        <translation>Abstandsflächen: Konflikte</translation>
    </message>
    <message>
        <location filename="../project_io.py" line="76"/>
        <source>Setback areas: buildings in conflict</source>
        <translation>Abstandsflächen: Gebäude mit Konflikt</translation>
    </message>
    <message>
        <location filename="../project_io.py" line="77"/>
        <source>Setback areas: new conflicts of the variant</source>
        <translation>Abstandsflächen: neue Konflikte der Variante</translation>
    </message>
    <message>
        <location filename="../project_io.py" line="249"/>
        <source>the Bebauungsplan {name}</source>
        <translation>den Bebauungsplan {name}</translation>
    </message>
    <message>
        <location filename="../project_io.py" line="265"/>
        <source>Stadtbild – unsaved work</source>
        <translation>Stadtbild – ungesicherte Arbeit</translation>
    </message>
    <message>
        <location filename="../project_io.py" line="266"/>
        <source>The open model has {what}.</source>
        <translation>Das geöffnete Modell hat {what}.</translation>
    </message>
    <message>
        <location filename="../project_io.py" line="267"/>
        <source>Save it in a project before {action}?</source>
        <translation>Vorher in einem Projekt speichern, bevor {action}?</translation>
    </message>
    <message>
        <location filename="../project_io.py" line="286"/>
        <source>&amp;New project</source>
        <translation>&amp;Neues Projekt</translation>
    </message>
    <message>
        <location filename="../project_io.py" line="287"/>
        <source>Open &amp;project…</source>
        <translation>&amp;Projekt öffnen…</translation>
    </message>
    <message>
        <location filename="../project_io.py" line="288"/>
        <source>&amp;Save project</source>
        <translation>Projekt &amp;speichern</translation>
    </message>
    <message>
        <location filename="../project_io.py" line="289"/>
        <source>Save project &amp;as…</source>
        <translation>Projekt speichern &amp;unter…</translation>
    </message>
    <message>
        <location filename="../project_io.py" line="290"/>
        <source>Compare variants…</source>
        <translation>Varianten vergleichen…</translation>
    </message>
    <message>
        <location filename="../project_io.py" line="354"/>
        <source>Save project</source>
        <translation>Projekt speichern</translation>
    </message>
    <message>
        <location filename="../project_io.py" line="380"/>
        <source>Project saved: {file}</source>
        <translation>Projekt gespeichert: {file}</translation>
    </message>
    <message>
        <location filename="../project_io.py" line="386"/>
        <source>starting a new project</source>
        <translation>ein neues Projekt begonnen wird</translation>
    </message>
    <message>
        <location filename="../project_io.py" line="392"/>
        <source>New project</source>
        <translation>Neues Projekt</translation>
    </message>
    <message>
        <location filename="../project_io.py" line="395"/>
        <source>opening another project</source>
        <translation>ein anderes Projekt geöffnet wird</translation>
    </message>
    <message>
        <location filename="../project_io.py" line="397"/>
        <source>Open project</source>
        <translation>Projekt öffnen</translation>
    </message>
    <message>
        <location filename="../project_io.py" line="415"/>
        <source>Stadtbild – project</source>
        <translation>Stadtbild – Projekt</translation>
    </message>
    <message>
        <location filename="../project_io.py" line="416"/>
        <source>The project&apos;s source data has changed since it was saved:</source>
        <translation>Die Quelldaten des Projekts haben sich seit dem Speichern geändert:</translation>
    </message>
    <message>
        <location filename="../project_io.py" line="422"/>
        <source>{file}: a source file of the project is missing</source>
        <translation>{file}: eine Quelldatei des Projekts fehlt</translation>
    </message>
    <message>
        <location filename="../project_io.py" line="436"/>
        <source>Opening project {name} …</source>
        <translation>Projekt {name} wird geöffnet …</translation>
    </message>
    <message>
        <location filename="../project_io.py" line="503"/>
        <source>Project opened: {file}</source>
        <translation>Projekt geöffnet: {file}</translation>
    </message>
    <message>
        <location filename="../project_io.py" line="551"/>
        <location filename="../project_io.py" line="558"/>
        <location filename="../project_io.py" line="609"/>
        <source>Compare variants</source>
        <translation>Varianten vergleichen</translation>
    </message>
    <message>
        <location filename="../solar_panel.py" line="20"/>
        <source>Jan</source>
        <translation>Jan</translation>
    </message>
    <message>
        <location filename="../solar_panel.py" line="20"/>
        <source>Feb</source>
        <translation>Feb</translation>
    </message>
    <message>
        <location filename="../solar_panel.py" line="20"/>
        <source>Mar</source>
        <translation>Mär</translation>
    </message>
    <message>
        <location filename="../solar_panel.py" line="21"/>
        <source>Apr</source>
        <translation>Apr</translation>
    </message>
    <message>
        <location filename="../solar_panel.py" line="21"/>
        <source>May</source>
        <translation>Mai</translation>
    </message>
    <message>
        <location filename="../solar_panel.py" line="21"/>
        <source>Jun</source>
        <translation>Jun</translation>
    </message>
    <message>
        <location filename="../solar_panel.py" line="22"/>
        <source>Jul</source>
        <translation>Jul</translation>
    </message>
    <message>
        <location filename="../solar_panel.py" line="22"/>
        <source>Aug</source>
        <translation>Aug</translation>
    </message>
    <message>
        <location filename="../solar_panel.py" line="22"/>
        <source>Sep</source>
        <translation>Sep</translation>
    </message>
    <message>
        <location filename="../solar_panel.py" line="23"/>
        <source>Oct</source>
        <translation>Okt</translation>
    </message>
    <message>
        <location filename="../solar_panel.py" line="23"/>
        <source>Nov</source>
        <translation>Nov</translation>
    </message>
    <message>
        <location filename="../solar_panel.py" line="23"/>
        <source>Dec</source>
        <translation>Dez</translation>
    </message>
    <message>
        <location filename="../solar_panel.py" line="27"/>
        <source>Roof surface area [m²]</source>
        <extracomment>rows shown for a clicked roof surface: (key of surface_row, label, decimals)</extracomment>
        <translation>Dachfläche [m²]</translation>
    </message>
    <message>
        <location filename="../solar_panel.py" line="28"/>
        <source>Tilt [°]</source>
        <translation>Neigung [°]</translation>
    </message>
    <message>
        <location filename="../solar_panel.py" line="29"/>
        <source>Azimuth [°] (0 = north, clockwise)</source>
        <translation>Ausrichtung [°] (0 = Nord, im Uhrzeigersinn)</translation>
    </message>
    <message>
        <location filename="../solar_panel.py" line="30"/>
        <source>Irradiation [kWh/m²·a]</source>
        <translation>Einstrahlung [kWh/m²·a]</translation>
    </message>
    <message>
        <location filename="../solar_panel.py" line="31"/>
        <source>Shading loss [%]</source>
        <translation>Verschattungsverlust [%]</translation>
    </message>
    <message>
        <location filename="../solar_panel.py" line="32"/>
        <source>Suitable for PV</source>
        <translation>Für PV geeignet</translation>
    </message>
    <message>
        <location filename="../solar_panel.py" line="33"/>
        <source>Suitable area [m²]</source>
        <translation>Geeignete Fläche [m²]</translation>
    </message>
    <message>
        <location filename="../solar_panel.py" line="34"/>
        <source>PV power [kWp]</source>
        <translation>PV-Leistung [kWp]</translation>
    </message>
    <message>
        <location filename="../solar_panel.py" line="35"/>
        <source>PV yield [kWh/a]</source>
        <translation>PV-Ertrag [kWh/a]</translation>
    </message>
    <message>
        <location filename="../solar_panel.py" line="65"/>
        <source>Monthly PV yield [kWh], total {total} kWh/a</source>
        <translation>PV-Ertrag je Monat [kWh], gesamt {total} kWh/a</translation>
    </message>
    <message>
        <location filename="../attributes.py" line="87"/>
        <location filename="../solar_panel.py" line="156"/>
        <source>yes</source>
        <translation>ja</translation>
    </message>
    <message>
        <location filename="../attributes.py" line="87"/>
        <location filename="../solar_panel.py" line="156"/>
        <source>no</source>
        <translation>nein</translation>
    </message>
    <message>
        <location filename="../solar_panel.py" line="160"/>
        <source>– (flat)</source>
        <translation>– (flach)</translation>
    </message>
    <message>
        <location filename="../solar_panel.py" line="197"/>
        <source>{n} buildings</source>
        <translation>{n} Gebäude</translation>
    </message>
    <message>
        <location filename="../solar_panel.py" line="198"/>
        <source>Solar potential of {id}</source>
        <translation>Solarpotenzial von {id}</translation>
    </message>
    <message>
        <location filename="../solar_panel.py" line="199"/>
        <source>{area} m² roof, {suitable} m² suitable, {kwp} kWp, {kwh} kWh/a</source>
        <translation>{area} m² Dach, {suitable} m² geeignet, {kwp} kWp, {kwh} kWh/a</translation>
    </message>
    <message>
        <location filename="../transform_tool.py" line="122"/>
        <source>&amp;Move/rotate buildings (drag)</source>
        <translation>&amp;Gebäude verschieben/drehen (ziehen)</translation>
    </message>
    <message>
        <location filename="../transform_tool.py" line="123"/>
        <source>Move/rotate</source>
        <translation>Verschieben/Drehen</translation>
    </message>
    <message>
        <location filename="../transform_tool.py" line="124"/>
        <source>Move/rotate: drag a building; Shift+drag or Alt+wheel rotates, Ctrl snaps (0.5 m / 5°), Esc cancels</source>
        <translation>Verschieben/Drehen: Gebäude ziehen; Umschalt+Ziehen oder Alt+Mausrad dreht, Strg rastet ein (0,5 m / 5°), Esc bricht ab</translation>
    </message>
    <message>
        <location filename="../transform_tool.py" line="170"/>
        <source>Move/rotate {ids}: drag to move, Shift+drag or Alt+wheel to rotate, Ctrl snaps (0.5 m / 5°), Esc cancels</source>
        <translation>{ids} verschieben/drehen: ziehen verschiebt, Umschalt+Ziehen oder Alt+Mausrad dreht, Strg rastet ein (0,5 m / 5°), Esc bricht ab</translation>
    </message>
    <message>
        <location filename="../transform_tool.py" line="173"/>
        <source>Move/rotate: click or drag a building</source>
        <translation>Verschieben/Drehen: Gebäude anklicken oder ziehen</translation>
    </message>
    <message>
        <location filename="../transform_tool.py" line="267"/>
        <source>Offset {dx} m, {dy} m (distance {d} m) · rotation {a}°{snap}</source>
        <translation>Versatz {dx} m, {dy} m (Abstand {d} m) · Drehung {a}°{snap}</translation>
    </message>
    <message>
        <location filename="../transform_tool.py" line="270"/>
        <source> · snapping</source>
        <translation> · eingerastet</translation>
    </message>
    <message>
        <location filename="../transform_tool.py" line="288"/>
        <source>rotate {a}°</source>
        <translation>drehen {a}°</translation>
    </message>
    <message>
        <location filename="../transform_tool.py" line="290"/>
        <source>move {d} m</source>
        <translation>verschieben {d} m</translation>
    </message>
    <message>
        <location filename="../transform_tool.py" line="293"/>
        <source>{ids}: {what}</source>
        <translation>{ids}: {what}</translation>
    </message>
    <message>
        <location filename="../transform_tool.py" line="308"/>
        <source>Move/rotate cancelled</source>
        <translation>Verschieben/Drehen abgebrochen</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="347"/>
        <source>&amp;Publish…</source>
        <translation>&amp;Veröffentlichen…</translation>
    </message>
    <message>
        <location filename="../publish_dialog.py" line="21"/>
        <location filename="../publish_dialog.py" line="60"/>
        <source>Publish as web scene</source>
        <translation>Als Web-Szene veröffentlichen</translation>
    </message>
    <message>
        <location filename="../publish_dialog.py" line="32"/>
        <source>e.g. dl-de/by-2-0, CC BY 4.0</source>
        <translation>z. B. dl-de/by-2-0, CC BY 4.0</translation>
    </message>
    <message>
        <location filename="../publish_dialog.py" line="34"/>
        <source>e.g. City model: Stadt Musterstadt</source>
        <translation>z. B. Stadtmodell: Stadt Musterstadt</translation>
    </message>
    <message>
        <location filename="../publish_dialog.py" line="36"/>
        <source>Folder:</source>
        <translation>Ordner:</translation>
    </message>
    <message>
        <location filename="../publish_dialog.py" line="37"/>
        <source>Title:</source>
        <translation>Titel:</translation>
    </message>
    <message>
        <location filename="../publish_dialog.py" line="38"/>
        <source>Data credit:</source>
        <translation>Datenquelle:</translation>
    </message>
    <message>
        <location filename="../publish_dialog.py" line="39"/>
        <source>Data licence:</source>
        <translation>Lizenz der Daten:</translation>
    </message>
    <message>
        <location filename="../publish_dialog.py" line="48"/>
        <source>Variants beside Bestand:</source>
        <translation>Varianten neben dem Bestand:</translation>
    </message>
    <message>
        <location filename="../publish_dialog.py" line="51"/>
        <source>Internal attributes (owners, addresses, parcels, contacts) are always left out.</source>
        <translation>Interne Attribute (Eigentümer, Adressen, Flurstücke, Kontakte) werden nie veröffentlicht.</translation>
    </message>
    <message>
        <location filename="../publish_dialog.py" line="84"/>
        <source>The model has no known CRS, so it cannot be placed on the globe</source>
        <translation>Das Modell hat kein bekanntes Koordinatensystem und lässt sich daher nicht auf dem Globus platzieren</translation>
    </message>
    <message>
        <location filename="../publish_dialog.py" line="106"/>
        <source>Published {n} buildings to {folder}</source>
        <translation>{n} Gebäude nach {folder} veröffentlicht</translation>
    </message>
    <message>
        <location filename="../publish_dialog.py" line="108"/>
        <source>without the viewer page (web viewer not built: make web)</source>
        <translation>ohne Anzeigeseite (Web-Anzeige nicht gebaut: make web)</translation>
    </message>
    <message>
        <location filename="../publish_dialog.py" line="111"/>
        <source>Publish</source>
        <translation>Veröffentlichen</translation>
    </message>
    <message>
        <location filename="../analysis.py" line="194"/>
        <source>Shadow cast on the ground at the chosen date and local time (sun position: NREL SPA). Recomputed live while the time slider moves.</source>
        <translation>Schattenwurf auf den Boden zum gewählten Datum und zur Ortszeit (Sonnenstand: NREL SPA). Wird beim Ziehen des Zeitreglers laufend neu berechnet.</translation>
    </message>
    <message>
        <location filename="../analysis.py" line="211"/>
        <source>{when}, grid {g} m</source>
        <translation>{when}, Raster {g} m</translation>
    </message>
    <message>
        <location filename="../analysis.py" line="242"/>
        <source>{date}, grid {g} m, step {s} min</source>
        <translation>{date}, Raster {g} m, Zeitschritt {s} min</translation>
    </message>
    <message>
        <location filename="../analysis.py" line="290"/>
        <source>eye {h} m</source>
        <translation>Augenhöhe {h} m</translation>
    </message>
    <message>
        <location filename="../analysis.py" line="402"/>
        <source>default weather of the site (clear-sky model), roof samples every {g} m</source>
        <translation>Standardwetter des Standorts (Klarhimmelmodell), Dachpunkte alle {g} m</translation>
    </message>
    <message>
        <location filename="../analysis.py" line="538"/>
        <source>21 March and 17 January {y}, points every {s} m</source>
        <translation>21. März und 17. Januar {y}, Punkte alle {s} m</translation>
    </message>
    <message>
        <location filename="../analysis_calls.py" line="180"/>
        <source>Shadow {when}</source>
        <translation>Schatten {when}</translation>
    </message>
    <message>
        <location filename="../analysis_calls.py" line="217"/>
        <source>Sun hours {date}</source>
        <translation>Sonnenstunden {date}</translation>
    </message>
    <message>
        <location filename="../analysis_calls.py" line="647"/>
        <source>Setback areas ({rule})</source>
        <translation>Abstandsflächen ({rule})</translation>
    </message>
    <message>
        <location filename="../layers.py" line="157"/>
        <location filename="../layers.py" line="160"/>
        <source>Results</source>
        <translation>Ergebnisse</translation>
    </message>
    <message>
        <location filename="../layers.py" line="174"/>
        <source>Computed for other edits of this variant: run it again to see it</source>
        <translation>Für einen anderen Bearbeitungsstand dieser Variante berechnet: zum Anzeigen erneut starten</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="816"/>
        <source>stale: computed before the latest edits</source>
        <translation>veraltet: vor den letzten Änderungen berechnet</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="818"/>
        <source>stale: computed for {params}</source>
        <translation>veraltet: berechnet für {params}</translation>
    </message>
    <message>
        <location filename="../project_io.py" line="63"/>
        <source>Open ground of the study area [m²]</source>
        <translation>Freifläche des Untersuchungsgebiets [m²]</translation>
    </message>
    <message>
        <location filename="../project_io.py" line="64"/>
        <source>Shadow share of the open ground [%]</source>
        <translation>Schattenanteil der Freifläche [%]</translation>
    </message>
    <message>
        <location filename="../project_io.py" line="65"/>
        <source>Mean sun hours on the ground [h]</source>
        <translation>Mittlere Sonnenstunden am Boden [h]</translation>
    </message>
    <message>
        <location filename="../project_io.py" line="556"/>
        <source>Comparing variants …</source>
        <translation>Varianten werden verglichen …</translation>
    </message>
    <message>
        <location filename="../project_io.py" line="574"/>
        <source>Comparison cancelled</source>
        <translation>Vergleich abgebrochen</translation>
    </message>
    <message>
        <location filename="../project_io.py" line="586"/>
        <source>Computing {analysis} for {variant} ({k} of {n}) …</source>
        <translation>{analysis} für {variant} wird berechnet ({k} von {n}) …</translation>
    </message>
    <message>
        <location filename="../project_io.py" line="636"/>
        <source>Gross floor area estimate = footprint × storeys, storeys = eave height / 3 m (an assumption). Every analysis is compared with the same parameters for all variants (above); shadow areas are measured on one study area for all times and variants.</source>
        <translation>Bruttogrundfläche geschätzt = Grundfläche × Geschosse, Geschosse = Traufhöhe / 3 m (Annahme). Jede Analyse wird für alle Varianten mit denselben Parametern verglichen (oben); Schattenflächen werden für alle Uhrzeiten und Varianten auf demselben Untersuchungsgebiet gemessen.</translation>
    </message>
    <message>
        <location filename="../results_view.py" line="25"/>
        <source>stale</source>
        <translation>veraltet</translation>
    </message>
    <message>
        <location filename="../i18n.py" line="123"/>
        <source>Roof surface</source>
        <extracomment>semantic surface types (CityGML) as the UI names them</extracomment>
        <translation>Dachfläche</translation>
    </message>
    <message>
        <location filename="../i18n.py" line="123"/>
        <source>Wall surface</source>
        <translation>Wandfläche</translation>
    </message>
    <message>
        <location filename="../i18n.py" line="124"/>
        <source>Closure surface</source>
        <translation>Abschlussfläche</translation>
    </message>
    <message>
        <location filename="../i18n.py" line="125"/>
        <source>Outer ceiling surface</source>
        <translation>Äußere Deckenfläche</translation>
    </message>
    <message>
        <location filename="../i18n.py" line="126"/>
        <source>Outer floor surface</source>
        <translation>Äußere Bodenfläche</translation>
    </message>
    <message>
        <location filename="../i18n.py" line="126"/>
        <source>Window</source>
        <translation>Fenster</translation>
    </message>
    <message>
        <location filename="../i18n.py" line="127"/>
        <source>Door</source>
        <translation>Tür</translation>
    </message>
    <message>
        <location filename="../i18n.py" line="127"/>
        <source>Water surface</source>
        <translation>Wasserfläche</translation>
    </message>
    <message>
        <location filename="../i18n.py" line="128"/>
        <source>Traffic area</source>
        <translation>Verkehrsfläche</translation>
    </message>
    <message>
        <location filename="../i18n.py" line="128"/>
        <source>Auxiliary traffic area</source>
        <translation>Verkehrsbegleitfläche</translation>
    </message>
    <message>
        <location filename="../attributes.py" line="112"/>
        <location filename="../i18n.py" line="129"/>
        <source>Terrain</source>
        <translation>Gelände</translation>
    </message>
    <message>
        <location filename="../i18n.py" line="129"/>
        <source>Surface without semantics</source>
        <translation>Fläche ohne Semantik</translation>
    </message>
    <message>
        <location filename="../i18n.py" line="141"/>
        <source>snapped to a corner</source>
        <translation>an Ecke gefangen</translation>
    </message>
    <message>
        <location filename="../i18n.py" line="141"/>
        <source>snapped to an edge</source>
        <translation>an Kante gefangen</translation>
    </message>
    <message>
        <location filename="../measure_panel.py" line="20"/>
        <source>corner</source>
        <translation>Ecke</translation>
    </message>
    <message>
        <location filename="../measure_panel.py" line="20"/>
        <source>edge</source>
        <translation>Kante</translation>
    </message>
    <message>
        <location filename="../measure_panel.py" line="23"/>
        <source>horizontal {h} m, height difference {z} m; from {a} to {b}</source>
        <translation>horizontal {h} m, Höhenunterschied {z} m; von {a} nach {b}</translation>
    </message>
    <message>
        <location filename="../measure_panel.py" line="26"/>
        <location filename="../measure_panel.py" line="31"/>
        <source>snapped to: {what}</source>
        <translation>gefangen an: {what}</translation>
    </message>
    <message>
        <location filename="../measure_panel.py" line="29"/>
        <source>absolute height {z} m at {p}</source>
        <translation>absolute Höhe {z} m bei {p}</translation>
    </message>
    <message>
        <location filename="../measure_panel.py" line="32"/>
        <source>Height above ground</source>
        <translation>Höhe über Grund</translation>
    </message>
    <message>
        <location filename="../measure_panel.py" line="34"/>
        <source>{surface}, tilt {t}°</source>
        <translation>{surface}, Neigung {t}°</translation>
    </message>
    <message>
        <location filename="../measure_panel.py" line="66"/>
        <source>Measurements</source>
        <translation>Messungen</translation>
    </message>
    <message>
        <location filename="../measure_panel.py" line="67"/>
        <source>Measurement</source>
        <translation>Messung</translation>
    </message>
    <message>
        <location filename="../measure_panel.py" line="68"/>
        <source>Copy</source>
        <translation>Kopieren</translation>
    </message>
    <message>
        <location filename="../measure_panel.py" line="69"/>
        <source>Clear</source>
        <translation>Leeren</translation>
    </message>
    <message>
        <location filename="../help_dialog.py" line="73"/>
        <location filename="../main_window.py" line="356"/>
        <source>Navigation and keys</source>
        <translation>Navigation und Tasten</translation>
    </message>
    <message>
        <location filename="../help_dialog.py" line="18"/>
        <source>Left drag</source>
        <translation>Linke Maustaste ziehen</translation>
    </message>
    <message>
        <location filename="../help_dialog.py" line="18"/>
        <source>Orbit around the view centre</source>
        <translation>Um die Bildmitte drehen</translation>
    </message>
    <message>
        <location filename="../help_dialog.py" line="19"/>
        <source>Middle drag, Shift + left drag</source>
        <translation>Mittlere Maustaste ziehen, Umschalt + linke Maustaste ziehen</translation>
    </message>
    <message>
        <location filename="../help_dialog.py" line="19"/>
        <source>Pan</source>
        <translation>Verschieben</translation>
    </message>
    <message>
        <location filename="../help_dialog.py" line="20"/>
        <source>Wheel</source>
        <translation>Mausrad</translation>
    </message>
    <message>
        <location filename="../help_dialog.py" line="20"/>
        <source>Zoom towards the point under the cursor</source>
        <translation>Zum Punkt unter dem Mauszeiger zoomen</translation>
    </message>
    <message>
        <location filename="../help_dialog.py" line="21"/>
        <location filename="../help_dialog.py" line="31"/>
        <source>Click</source>
        <translation>Klick</translation>
    </message>
    <message>
        <location filename="../help_dialog.py" line="21"/>
        <source>Select a building (Shift: add or remove)</source>
        <translation>Gebäude auswählen (Umschalt: hinzufügen oder entfernen)</translation>
    </message>
    <message>
        <location filename="../help_dialog.py" line="22"/>
        <source>Drag in box mode</source>
        <translation>Ziehen im Rechteck-Modus</translation>
    </message>
    <message>
        <location filename="../help_dialog.py" line="22"/>
        <source>Select every building in the rectangle</source>
        <translation>Alle Gebäude im Rechteck auswählen</translation>
    </message>
    <message>
        <location filename="../help_dialog.py" line="23"/>
        <source>Click in distance / height mode</source>
        <translation>Klick im Strecken- / Höhen-Modus</translation>
    </message>
    <message>
        <location filename="../help_dialog.py" line="24"/>
        <source>Measure; points snap to corners and edges within 10 pixels</source>
        <translation>Messen; Punkte rasten an Ecken und Kanten im Umkreis von 10 Pixeln ein</translation>
    </message>
    <message>
        <location filename="../help_dialog.py" line="27"/>
        <source>Walk forward / back (2 m; with Shift 10 m)</source>
        <translation>Vorwärts / rückwärts gehen (2 m; mit Umschalt 10 m)</translation>
    </message>
    <message>
        <location filename="../help_dialog.py" line="28"/>
        <source>Turn left / right (5°)</source>
        <translation>Nach links / rechts drehen (5°)</translation>
    </message>
    <message>
        <location filename="../help_dialog.py" line="29"/>
        <source>Step sideways</source>
        <translation>Seitwärts gehen</translation>
    </message>
    <message>
        <location filename="../help_dialog.py" line="30"/>
        <source>Page up / down</source>
        <translation>Bild auf / ab</translation>
    </message>
    <message>
        <location filename="../help_dialog.py" line="30"/>
        <source>Eye higher / lower</source>
        <translation>Augenhöhe höher / tiefer</translation>
    </message>
    <message>
        <location filename="../help_dialog.py" line="31"/>
        <source>Walk to the point clicked</source>
        <translation>Zum angeklickten Punkt gehen</translation>
    </message>
    <message>
        <location filename="../help_dialog.py" line="32"/>
        <source>Leave walk mode</source>
        <translation>Begehen beenden</translation>
    </message>
    <message>
        <location filename="../help_dialog.py" line="35"/>
        <source>→, Page down</source>
        <translation>→, Bild ab</translation>
    </message>
    <message>
        <location filename="../help_dialog.py" line="35"/>
        <source>Next saved view</source>
        <translation>Nächste gespeicherte Ansicht</translation>
    </message>
    <message>
        <location filename="../help_dialog.py" line="36"/>
        <source>←, Page up</source>
        <translation>←, Bild auf</translation>
    </message>
    <message>
        <location filename="../help_dialog.py" line="36"/>
        <source>Previous saved view</source>
        <translation>Vorige gespeicherte Ansicht</translation>
    </message>
    <message>
        <location filename="../help_dialog.py" line="37"/>
        <source>Space</source>
        <translation>Leertaste</translation>
    </message>
    <message>
        <location filename="../help_dialog.py" line="37"/>
        <source>Play / pause the tour or the sun</source>
        <translation>Rundgang oder Sonnenlauf abspielen / anhalten</translation>
    </message>
    <message>
        <location filename="../help_dialog.py" line="38"/>
        <source>Before / after</source>
        <translation>Vorher / nachher</translation>
    </message>
    <message>
        <location filename="../help_dialog.py" line="39"/>
        <source>Hide / show the control bar</source>
        <translation>Bedienleiste aus- / einblenden</translation>
    </message>
    <message>
        <location filename="../help_dialog.py" line="40"/>
        <source>Leave the presentation</source>
        <translation>Präsentation beenden</translation>
    </message>
    <message>
        <location filename="../help_dialog.py" line="64"/>
        <source>Mouse in the 3D view</source>
        <translation>Maus in der 3D-Ansicht</translation>
    </message>
    <message>
        <location filename="../help_dialog.py" line="65"/>
        <source>Keys</source>
        <translation>Tasten</translation>
    </message>
    <message>
        <location filename="../help_dialog.py" line="66"/>
        <source>Walk mode</source>
        <translation>Begehen</translation>
    </message>
    <message>
        <location filename="../help_dialog.py" line="67"/>
        <source>Presentation (F5)</source>
        <translation>Präsentation (F5)</translation>
    </message>
    <message>
        <location filename="../help_dialog.py" line="62"/>
        <source>Undo</source>
        <extracomment>actions whose shortcuts the page lists, in this order</extracomment>
        <translation>Rückgängig</translation>
    </message>
    <message>
        <location filename="../help_dialog.py" line="62"/>
        <source>Redo</source>
        <translation>Wiederherstellen</translation>
    </message>
    <message>
        <location filename="../guidance.py" line="14"/>
        <source>Select: click a building (Shift+click adds it); drag to turn the view, wheel to zoom, right drag to pan</source>
        <extracomment>status-bar hint of each tool of the 3D view (app.viewport modes)</extracomment>
        <translation>Auswählen: Gebäude anklicken (Umschalt+Klick fügt hinzu); Ziehen dreht die Ansicht, Mausrad zoomt, rechte Maustaste verschiebt</translation>
    </message>
    <message>
        <location filename="../guidance.py" line="16"/>
        <source>Box select: drag a rectangle over the buildings (Shift adds them); Esc ends</source>
        <translation>Rechteckauswahl: ein Rechteck über die Gebäude ziehen (Umschalt fügt hinzu); Esc beendet</translation>
    </message>
    <message>
        <location filename="../guidance.py" line="17"/>
        <source>Measure distance: click the first point, then the second; Esc ends</source>
        <translation>Strecke messen: ersten Punkt, dann zweiten Punkt anklicken; Esc beendet</translation>
    </message>
    <message>
        <location filename="../guidance.py" line="18"/>
        <source>Measure height: click a point on a roof or facade for its height above the ground; Esc ends</source>
        <translation>Höhe messen: einen Punkt auf Dach oder Fassade anklicken – Höhe über Gelände; Esc beendet</translation>
    </message>
    <message>
        <location filename="../guidance.py" line="20"/>
        <source>Measure area: click a roof or wall surface; Esc ends</source>
        <translation>Fläche messen: eine Dach- oder Wandfläche anklicken; Esc beendet</translation>
    </message>
    <message>
        <location filename="../guidance.py" line="21"/>
        <source>Walk: W/S or ↑/↓ forward and back, A/D or ←/→ turn, Q/E step sideways, Shift for long steps; Esc ends</source>
        <translation>Begehen: W/S oder ↑/↓ vor und zurück, A/D oder ←/→ drehen, Q/E seitwärts, Umschalt für große Schritte; Esc beendet</translation>
    </message>
    <message>
        <location filename="../guidance.py" line="23"/>
        <source>Draw the footprint: click its corners in the view; double-click or Enter closes the outline (at least 3 corners), then height and roof are asked; Esc cancels</source>
        <translation>Grundriss zeichnen: Ecken in der Ansicht anklicken; Doppelklick oder Eingabetaste schließt den Umriss (mindestens 3 Ecken), danach werden Höhe und Dach abgefragt; Esc bricht ab</translation>
    </message>
    <message>
        <location filename="../guidance.py" line="25"/>
        <source>Click a point in the 3D view; Esc cancels</source>
        <translation>Einen Punkt in der 3D-Ansicht anklicken; Esc bricht ab</translation>
    </message>
    <message>
        <location filename="../report.py" line="205"/>
        <source>Settings</source>
        <extracomment>triangles whose normal is steeper than this (|n_z| below) are walls: not seen in plan</extracomment>
        <translation>Einstellungen</translation>
    </message>
    <message>
        <location filename="../workers.py" line="87"/>
        <source>out of memory (the input is too large for this machine)</source>
        <translation>zu wenig Arbeitsspeicher (die Eingabe ist für diesen Rechner zu groß)</translation>
    </message>
    <message>
        <location filename="../workers.py" line="98"/>
        <source>internal error: {what} (details in {where})</source>
        <translation>interner Fehler: {what} (Einzelheiten in {where})</translation>
    </message>
</context>
</TS>
